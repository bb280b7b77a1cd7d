import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { Answer } from './discover.js';

const COORDINATOR_WAIT_MS = 30_000;

/**
 * Answers once the brokers (a comma-separated list, as in ATLAS_TEST_KAFKA_BROKERS) accept
 * requests and can coordinate consumer groups.
 */
export async function probeKafka(brokers: string): Promise<Answer> {
  const kafka = new Kafka({
    clientId: 'atlas-test-probe',
    brokers: brokers.split(',').map((broker) => broker.trim()),
    // A probe should answer "not there" quickly; kafkajs would otherwise retry for ~30s.
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await waitForGroupCoordinator(admin);
    const count = cluster.brokers.length;
    return {
      address: brokers,
      version: `Kafka cluster ${cluster.clusterId} (${count} broker${count === 1 ? '' : 's'})`,
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * On a new broker the first group lookup creates __consumer_offsets, and joins fail with
 * "coordinator not available" or "loading" until it has loaded. Doing that here, once, keeps
 * those errors (and the wait) out of every suite's first consumer.
 */
async function waitForGroupCoordinator(admin: Admin): Promise<void> {
  const deadline = Date.now() + COORDINATOR_WAIT_MS;
  for (;;) {
    try {
      await admin.describeGroups(['atlas-test-probe']);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `the broker answers but cannot coordinate consumer groups after ${COORDINATOR_WAIT_MS / 1000}s`,
          { cause: error },
        );
      }
      await sleep(250);
    }
  }
}
