import type { Message, RecordMetadata } from 'kafkajs';

export interface EmbeddedProducerHost {
  send(record: { topic: string; messages: readonly Message[] }): Promise<RecordMetadata[]>;
}

/** The subset of kafkajs's producer Atlas uses, over the embedded broker. */
export class EmbeddedProducer {
  constructor(private readonly host: EmbeddedProducerHost) {}

  connect(): Promise<void> {
    return Promise.resolve();
  }

  send(record: { topic: string; messages: readonly Message[] }): Promise<RecordMetadata[]> {
    return this.host.send(record);
  }

  async sendBatch(batch: {
    topicMessages: readonly { topic: string; messages: readonly Message[] }[];
  }): Promise<RecordMetadata[]> {
    const results: RecordMetadata[] = [];
    for (const record of batch.topicMessages) results.push(...(await this.host.send(record)));
    return results;
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}
