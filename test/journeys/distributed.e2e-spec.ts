import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { perService, SERVICE_NAMES } from '#atlas/contracts';
import { freePort } from '#atlas/testing';
import {
  startDistributedTestPlatform,
  type DistributedTestPlatform,
} from '../support/distributed-test-platform.js';
import { catalogJourney } from './catalog-journey.js';
import { graphqlJourney } from './graphql-journey.js';
import { orderJourney } from './order-journey.js';
import { recoveryJourney } from './recovery-journey.js';
import { sagaJourney } from './saga-journey.js';
import { startSlowProviderPlatform, type SlowProviderPlatform } from './slow-provider-platform.js';
import { JOURNEY_ADMIN, journeyAdminEnv } from './platform-under-test.js';
import { sessionJourney } from './session-journey.js';
import { webhooksJourney, webhooksJourneyEnv } from './webhooks-journey.js';

/**
 * The same journeys with every service in its own process (the built `dist/` apps, as in a
 * container), over real Kafka. Each run has its own databases and its own Kafka namespace, so
 * it shares the cluster with other runs without reading their messages.
 */
describe('the journeys in distributed mode (six processes, real Kafka)', () => {
  let run: DistributedTestPlatform | undefined;
  let stopped = false;
  let webhookReceiverPort = 0;

  beforeAll(async () => {
    webhookReceiverPort = await freePort();
    run = await startDistributedTestPlatform({
      ...journeyAdminEnv,
      ...webhooksJourneyEnv(webhookReceiverPort),
      // Journeys sign in far more often than people do; the limits have their own suite
      // (test/security).
      AUTH_RATE_LIMIT_PER_MINUTE: String(100_000),
    });
  });

  afterAll(async () => {
    await run?.cleanUp();
  });

  const underTest = () => {
    if (!run || stopped) throw new Error('the platform is not running');
    return { gatewayUrl: run.platform.gatewayUrl, admin: JOURNEY_ADMIN, webhookReceiverPort };
  };
  orderJourney(underTest);
  sessionJourney(underTest);
  catalogJourney(underTest);
  webhooksJourney(underTest);
  graphqlJourney(() => {
    if (!run) throw new Error('the platform did not start');
    return { ...underTest(), serviceUrls: run.platform.urls };
  });

  it('stops gracefully on SIGTERM: every process exits 0 and leaves its consumer group', async () => {
    if (!run) throw new Error('the platform did not start');
    const exitCodes = await run.platform.stop();
    stopped = true;
    expect(exitCodes).toEqual(perService(() => 0));

    const admin = new Kafka({ brokers: [...run.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const consumers = SERVICE_NAMES.filter((name) => name !== 'gateway' && name !== 'auth');
      const groups = consumers.map((service) => `${run?.namespace}.atlas-${service}`);
      const described = await admin.describeGroups(groups);
      expect(
        described.groups.map(({ groupId, members }) => ({ groupId, members: members.length })),
      ).toEqual(groups.map((groupId) => ({ groupId, members: 0 })));
    } finally {
      await admin.disconnect();
    }
  });
});

describe('the saga and recovery from failures in distributed mode (a payment provider that is slow)', () => {
  let run: SlowProviderPlatform | undefined;

  beforeAll(async () => {
    run = await startSlowProviderPlatform();
  });

  afterAll(async () => {
    await run?.cleanUp();
  });

  const underTest = () => {
    if (!run) throw new Error('the platform did not start');
    return run;
  };
  sagaJourney(underTest);
  // Last: it kills processes.
  recoveryJourney(underTest);
});
