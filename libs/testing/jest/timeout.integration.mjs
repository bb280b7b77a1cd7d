// Jest 30 ignores `testTimeout` inside a project entry, so each project that talks to real
// servers sets its own default here (a test can still pass a longer one).
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
