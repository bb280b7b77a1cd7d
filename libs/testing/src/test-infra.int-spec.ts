import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { TestDatabase } from './test-database.js';
import { createTestDatabase } from './test-database.js';
import { testKafka, testRedis } from './test-infra.js';
import { uniqueName } from './unique-name.js';

describe('createTestDatabase', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('testing-harness');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('gives a database of its own that keeps what the test writes', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
      await client.query("INSERT INTO notes VALUES (1, 'kept')");
      const { rows } = await client.query('SELECT body FROM notes WHERE id = 1');
      expect(rows).toEqual([{ body: 'kept' }]);
    } finally {
      await client.end();
    }
  });

  it('removes the database on drop', async () => {
    const other = await createTestDatabase('dropped');
    await expect(canConnect(other.url)).resolves.toBe(true);

    await other.drop();

    // Real server: the database no longer exists. Embedded: its PGlite server is gone.
    await expect(canConnect(other.url)).rejects.toThrow(/does not exist|ECONNREFUSED/);
  });
});

describe('testRedis', () => {
  const redis = testRedis();
  switch (redis.kind) {
    case 'real':
      it('round-trips a value through the real Redis', async () => {
        const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await client.connect();
        try {
          const key = uniqueName('testing.round-trip');
          await client.set(key, 'value', 'EX', 60);
          await expect(client.get(key)).resolves.toBe('value');
          await client.del(key);
        } finally {
          client.disconnect();
        }
      });
      break;
    case 'embedded':
      it('says why no real Redis was used', () => {
        expect(redis.reason).toContain('127.0.0.1:6379');
      });
      break;
  }
});

describe('testKafka', () => {
  const kafka = testKafka();
  switch (kafka.kind) {
    case 'real':
      it('round-trips keyed messages through a topic and a consumer group on the real broker', async () => {
        const client = new Kafka({
          clientId: 'atlas-testing',
          brokers: kafka.brokers,
          logLevel: logLevel.WARN,
        });
        const topic = uniqueName('testing.round-trip.v1');
        const groupId = uniqueName('testing-group');
        const admin = client.admin();
        const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
        const consumer = client.consumer({
          groupId,
          sessionTimeout: 6_000,
          heartbeatInterval: 500,
          maxWaitTimeInMs: 100,
        });
        await admin.connect();
        try {
          await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
          await producer.connect();
          await producer.send({
            topic,
            messages: ['a', 'b', 'c'].map((key) => ({ key, value: `value-${key}` })),
          });
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });

          const received = await consumeExactly(consumer, 3);

          expect(received.sort()).toEqual(['a=value-a', 'b=value-b', 'c=value-c']);
          // Leaving the group commits the offsets of everything consumed.
          await consumer.disconnect();
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const committed = offsets?.partitions.reduce(
            (sum, p) => sum + Math.max(0, Number(p.offset)),
            0,
          );
          expect(committed).toBe(3);
        } finally {
          await consumer.disconnect();
          await producer.disconnect();
          await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
          await admin.disconnect();
        }
      });
      break;
    case 'embedded':
      it('says why no real Kafka broker was used', () => {
        expect(kafka.reason).toContain('127.0.0.1:9092');
      });
      break;
  }
});

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  await client.end();
  return true;
}

/** Runs the consumer until it has seen `count` messages, as `key=value` strings. */
async function consumeExactly(consumer: Consumer, count: number): Promise<string[]> {
  const received: string[] = [];
  return new Promise<string[]>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          received.push(`${message.key?.toString()}=${message.value?.toString()}`);
          if (received.length === count) resolve(received);
        },
      })
      .catch(reject);
  });
}
