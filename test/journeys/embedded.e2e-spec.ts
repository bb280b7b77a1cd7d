import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '#atlas/testing';
import {
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../apps/embedded/src/embedded-platform.js';
import { catalogJourney } from './catalog-journey.js';
import { graphqlJourney } from './graphql-journey.js';
import { orderJourney } from './order-journey.js';
import { sagaJourney, slowProviderEnv } from './saga-journey.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from './platform-under-test.js';
import { sessionJourney } from './session-journey.js';
import { webhooksJourney, webhooksJourneyEnv } from './webhooks-journey.js';
import {
  conformanceProblems,
  fetchOpenApi,
  recordGatewayExchanges,
} from '../support/openapi-conformance.js';

describe('the order journey in embedded mode (one process, PGlite, in-process broker)', () => {
  let platform: EmbeddedPlatform;
  let webhookReceiverPort = 0;
  let recording: ReturnType<typeof recordGatewayExchanges> | undefined;

  beforeAll(async () => {
    recording = recordGatewayExchanges(() => platform?.gatewayUrl);
    webhookReceiverPort = await freePort();
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        CATALOG_SEED_DEMO: 'true',
        ...journeyAdminEnv,
        ...webhooksJourneyEnv(webhookReceiverPort),
        // Journeys sign in far more often than people do; the limits have their own suite
        // (test/security).
        AUTH_RATE_LIMIT_PER_MINUTE: String(100_000),
      },
    });
  });

  afterAll(async () => {
    recording?.restore();
    await platform?.stop();
  });

  const underTest = () => ({
    gatewayUrl: platform.gatewayUrl,
    admin: JOURNEY_ADMIN,
    webhookReceiverPort,
  });
  orderJourney(underTest);
  sessionJourney(underTest);
  catalogJourney(underTest);
  webhooksJourney(underTest);
  graphqlJourney(() => ({ ...underTest(), serviceUrls: platform.urls }));

  it('answered every journey request as the OpenAPI document says', async () => {
    const exchanges = recording?.exchanges ?? [];
    expect(exchanges.length).toBeGreaterThan(100);
    const document = await fetchOpenApi(platform.gatewayUrl);
    expect(conformanceProblems(document, exchanges)).toEqual([]);
  });
});

describe('the saga’s deadlines and cancellations in embedded mode (a payment provider that is slow)', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', ...journeyAdminEnv, ...slowProviderEnv },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  sagaJourney(() => ({ gatewayUrl: platform.gatewayUrl, admin: JOURNEY_ADMIN }));
});
