import { describe, expect, it } from '@jest/globals';
import { ServerKafka, Transport } from '@nestjs/microservices';
import { EmbeddedBroker } from '../embedded/embedded-broker.js';
import { consumerTransport, kafkaConsumerOptions } from './consumer-transport.js';
import { EmbeddedBrokerServer } from './embedded-broker.server.js';
import { KafkaEventDeserializer } from './kafka-event.deserializer.js';

describe('consumerTransport', () => {
  it('uses Nest’s Kafka server for Kafka, with Atlas’s group and client id', () => {
    const { strategy } = consumerTransport({
      service: 'payments',
      broker: { kind: 'kafka', brokers: ['127.0.0.1:9092'] },
    });
    expect(strategy).toBeInstanceOf(ServerKafka);
    expect(strategy.transportId).toBe(Transport.KAFKA);
  });

  it('configures the Kafka consumer as every Atlas service needs it', () => {
    const options = kafkaConsumerOptions('payments', ['127.0.0.1:9092']);
    expect(options).toMatchObject({
      postfixId: '',
      client: { clientId: 'atlas-payments', brokers: ['127.0.0.1:9092'] },
      consumer: {
        groupId: 'atlas-payments',
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        allowAutoTopicCreation: false,
      },
      subscribe: { fromBeginning: true },
      parser: { keepBinary: true },
    });
    expect(options.deserializer).toBeInstanceOf(KafkaEventDeserializer);
  });

  it('uses the embedded broker’s server in embedded mode, posing as the Kafka transport', async () => {
    const broker = new EmbeddedBroker();
    const { strategy } = consumerTransport({
      service: 'payments',
      broker: { kind: 'embedded', broker },
    });
    expect(strategy).toBeInstanceOf(EmbeddedBrokerServer);
    expect(strategy.transportId).toBe(Transport.KAFKA);
    await broker.close();
  });
});

describe('KafkaEventDeserializer', () => {
  it('parses a JSON value and keeps text that is not JSON, with the topic as the pattern', () => {
    const deserializer = new KafkaEventDeserializer();
    expect(deserializer.deserialize({ value: Buffer.from('{"a":1}') }, { channel: 't' })).toEqual({
      pattern: 't',
      data: { a: 1 },
    });
    expect(deserializer.deserialize({ value: Buffer.from('{oops') }, { channel: 't' })).toEqual({
      pattern: 't',
      data: '{oops',
    });
    expect(deserializer.deserialize({ value: null }, { channel: 't' })).toEqual({
      pattern: 't',
      data: null,
    });
  });
});
