import { afterAll, beforeAll, describe } from '@jest/globals';
import {
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../apps/embedded/src/embedded-platform.js';
import { orderJourney } from './order-journey.js';

describe('the order journey in embedded mode (one process, PGlite, in-process broker)', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', CATALOG_SEED_DEMO: 'true' },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  orderJourney(() => platform.gatewayUrl);
});
