// Journeys start whole platforms; see timeout.integration.mjs for why this is a setup file.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);
