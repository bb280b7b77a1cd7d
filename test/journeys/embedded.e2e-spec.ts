import { afterAll, beforeAll, describe } from '@jest/globals';
import {
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../apps/embedded/src/embedded-platform.js';
import { orderJourney } from './order-journey.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from './platform-under-test.js';
import { sessionJourney } from './session-journey.js';

describe('the order journey in embedded mode (one process, PGlite, in-process broker)', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', CATALOG_SEED_DEMO: 'true', ...journeyAdminEnv },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const underTest = () => ({ gatewayUrl: platform.gatewayUrl, admin: JOURNEY_ADMIN });
  orderJourney(underTest);
  sessionJourney(underTest);
});
