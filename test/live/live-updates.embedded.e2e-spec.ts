import { afterAll, beforeAll, describe } from '@jest/globals';
import {
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../apps/embedded/src/embedded-platform.js';
import { liveJourney, liveJourneyEnv } from '../journeys/live-journey.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from '../journeys/platform-under-test.js';

/**
 * Live order status in embedded mode: notifications and the gateway share the process, and
 * the in-process pub/sub hub stands in for Redis. Its own platform, because the payment
 * provider must answer slowly enough for a stream to open before the order settles.
 */
describe('live order status in embedded mode (SSE and WebSocket)', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        CATALOG_SEED_DEMO: 'true',
        ...journeyAdminEnv,
        ...liveJourneyEnv,
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  liveJourney(() => ({
    gatewayUrl: platform.gatewayUrl,
    gatewayUrls: [platform.gatewayUrl],
    admin: JOURNEY_ADMIN,
  }));
});
