import {
  type CustomTransportStrategy,
  KafkaContext,
  KafkaParser,
  type ReadPacket,
  Server,
  Transport,
} from '@nestjs/microservices';
import type { EachMessagePayload } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { TopicSpec } from '#atlas/contracts';
import type { EmbeddedBroker } from '../embedded/embedded-broker.js';
import type { EmbeddedConsumer } from '../embedded/embedded-consumer.js';
import type { EmbeddedProducer } from '../embedded/embedded-producer.js';
import { topicsForHandlers } from './handler-topics.js';
import { KafkaEventDeserializer } from './kafka-event.deserializer.js';

export interface EmbeddedBrokerServerOptions {
  readonly broker: EmbeddedBroker;
  readonly groupId: string;
  readonly topics: readonly TopicSpec[];
}

/**
 * Nest's microservice transport for the embedded broker. It does what `ServerKafka` does with
 * each message (same parser, same deserializer, same `KafkaContext`, and an event handler's
 * rejection reaches the broker, which redelivers), so handlers, interceptors and `@Ctx()` code
 * run unchanged in both modes. Only events are supported: Atlas has no request/reply over Kafka.
 */
export class EmbeddedBrokerServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Transport.KAFKA;
  override readonly propagatesEventHandlerErrors = true;
  private readonly parser = new KafkaParser({ keepBinary: true });
  private consumer: EmbeddedConsumer | undefined;

  constructor(private readonly options: EmbeddedBrokerServerOptions) {
    super();
    this.deserializer = new KafkaEventDeserializer();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics = [...this.messageHandlers.keys()];
      await this.options.broker.createTopics({
        topics: topicsForHandlers(topics, this.options.topics).map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
        })),
      });
      const consumer = this.options.broker.consumer({ groupId: this.options.groupId });
      this.consumer = consumer;
      await consumer.connect();
      if (topics.length > 0) {
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({ eachMessage: (payload) => this.handleMessage(payload, consumer) });
      }
      // oxlint-disable-next-line no-underscore-dangle -- Nest's protected status stream
      this._status$.next('connected');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Leaves the group once in-flight handlers have finished. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
    // oxlint-disable-next-line no-underscore-dangle -- Nest's protected status stream
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('EmbeddedBrokerServer has no events to listen to');
  }

  unwrap(): never {
    throw new Error(
      'EmbeddedBrokerServer wraps no client library: use the EmbeddedBroker passed to consumerTransport()',
    );
  }

  /** As `ServerKafka.handleEvent`: await the handler, so a failure reaches the broker. */
  override async handleEvent(
    pattern: string,
    packet: ReadPacket,
    context: KafkaContext,
  ): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) {
      this.logger.error(
        `There is no matching event handler defined in the consumer for "${pattern}"`,
      );
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          const result: unknown = await handler(packet.data, context);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          resolve();
        } catch (error) {
          reject(error);
        } finally {
          runEndHook();
        }
      });
    });
  }

  private async handleMessage(
    payload: EachMessagePayload,
    consumer: EmbeddedConsumer,
  ): Promise<void> {
    const rawMessage = this.parser.parse({
      ...payload.message,
      topic: payload.topic,
      partition: payload.partition,
    });
    const packet = await this.deserializer.deserialize(rawMessage, { channel: payload.topic });
    const context = new KafkaContext([
      rawMessage,
      payload.partition,
      payload.topic,
      asContextConsumer(consumer),
      () => payload.heartbeat(),
      asContextProducer(this.options.broker.producer()),
    ]);
    await this.handleEvent(String(packet.pattern), packet, context);
  }
}

type KafkaContextArgs = ConstructorParameters<typeof KafkaContext>[0];

/*
 * The embedded consumer and producer implement the part of kafkajs's API that Atlas uses
 * (connect, subscribe, run, send, disconnect, on), not all of it, while `KafkaContext` is typed
 * with the full interfaces: hence these two unchecked conversions.
 */

function asContextConsumer(consumer: EmbeddedConsumer): KafkaContextArgs[3] {
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- see above
  return consumer as unknown as KafkaContextArgs[3];
}

function asContextProducer(producer: EmbeddedProducer): KafkaContextArgs[5] {
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- see above
  return producer as unknown as KafkaContextArgs[5];
}
