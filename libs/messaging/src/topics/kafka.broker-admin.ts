import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Admin, type Kafka, logLevel } from 'kafkajs';
import type { TopicSpec } from '#atlas/contracts';
import { errorDetails } from '../errors/error-details.js';
import { MessagingError } from '../errors/messaging.error.js';
import { createKafkaClient, KAFKA_CLIENT } from '../kafka/kafka-client.js';
import { KafkaNamespace } from '../kafka/kafka-namespace.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging-options.js';
import { BrokerAdmin } from './broker-admin.js';
import { ensureKafkaTopics } from './ensure-kafka-topics.js';
import { messagesBehind } from './messages-behind.js';

/** Within Prometheus's default scrape timeout (10 s), with room for the rest of the scrape. */
const LAG_TIMEOUT_MS = 5_000;

/** An admin client connected on first use and kept connected. */
interface LazyAdmin {
  readonly admin: Admin;
  connected: Promise<void> | undefined;
}

function lazyAdmin(admin: Admin): LazyAdmin {
  return { admin, connected: undefined };
}

@Injectable()
export class KafkaBrokerAdmin extends BrokerAdmin implements OnApplicationShutdown {
  /**
   * A client of its own, with retries off (connecting is retried by the client, not the
   * admin) and silent (the failure comes back as this check's error): a readiness probe
   * wants a quick "no", not kafkajs's patient backoff and a log line per attempt.
   */
  private readonly probe: LazyAdmin;
  /**
   * For the consumer-lag gauge: finding the group's coordinator takes a retry or two on a
   * fresh connection, which the probe's no-retry client refuses; still silent, still bounded.
   */
  private readonly offsets: LazyAdmin;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    super();
    const brokers = options.broker.kind === 'kafka' ? options.broker.brokers : [];
    this.probe = lazyAdmin(
      createKafkaClient(`${options.clientId}-health`, brokers, {
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
      }).admin({ retry: { retries: 0 } }),
    );
    this.offsets = lazyAdmin(
      createKafkaClient(`${options.clientId}-metrics`, brokers, {
        logLevel: logLevel.NOTHING,
      }).admin(),
    );
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    // Only used at start-up, so the connection does not outlive it.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const namespace = this.namespace();
      await ensureKafkaTopics(
        admin,
        topics.map((spec) => ({ ...spec, topic: namespace.topic(spec.topic) })),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async ping(): Promise<void> {
    try {
      await this.ask(this.probe, this.options.healthTimeoutMs, (probe) => probe.describeCluster());
    } catch (error) {
      throw new MessagingError(
        'MESSAGING.BROKER_UNREACHABLE',
        `Kafka at ${this.brokers()} is unreachable: ${errorDetails(error).message}. ` +
          'Check KAFKA_BROKERS and that the broker runs (locally: npm run kafka:start).',
        { cause: error },
      );
    }
  }

  async consumerLag(topics: readonly string[]): Promise<Map<string, number>> {
    const namespace = this.namespace();
    return this.ask(this.offsets, LAG_TIMEOUT_MS, async (admin) => {
      const committed = await admin.fetchOffsets({
        groupId: namespace.group(this.options.consumerGroup),
        topics: topics.map((topic) => namespace.topic(topic)),
      });
      const lag = new Map<string, number>();
      for (const topic of topics) {
        const physical = namespace.topic(topic);
        const ends = await admin.fetchTopicOffsets(physical);
        lag.set(
          topic,
          messagesBehind(ends, committed.find((c) => c.topic === physical)?.partitions),
        );
      }
      return lag;
    });
  }

  /**
   * Runs a question on one of the admin connections within a time limit: a readiness probe or
   * a metrics scrape wants a quick answer or a quick "no", never a wait.
   */
  private async ask<T>(
    connection: LazyAdmin,
    timeoutMs: number,
    question: (admin: Admin) => Promise<T>,
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      connection.connected ??= connection.admin.connect();
      const connected = connection.connected;
      return await Promise.race([connected.then(() => question(connection.admin)), timeout]);
    } catch (error) {
      // Start from a fresh connection next time rather than reuse a broken one.
      connection.connected = undefined;
      await connection.admin.disconnect().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.probe, this.offsets]) {
      if (connection.connected) await connection.admin.disconnect().catch(() => undefined);
      connection.connected = undefined;
    }
  }

  private namespace(): KafkaNamespace {
    return new KafkaNamespace(
      this.options.broker.kind === 'kafka' ? this.options.broker.namespace : undefined,
    );
  }

  private brokers(): string {
    const broker = this.options.broker;
    return broker.kind === 'kafka' ? broker.brokers.join(',') : 'the embedded broker';
  }
}
