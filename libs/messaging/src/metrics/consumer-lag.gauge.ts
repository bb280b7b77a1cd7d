import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Gauge } from 'prom-client';
import type { EventContract } from '#atlas/contracts';
import { EVENT_CONTRACT } from '../consuming/event-contract.metadata.js';
import { errorDetails } from '../errors/error-details.js';
import { BrokerAdmin } from '../topics/broker-admin.js';
import { MessagingMetrics } from './messaging.metrics.js';

/**
 * `messaging_consumer_lag{topic}`: how far the service's consumer group is behind on each topic
 * its `@OnEvent` handlers read, asked of the broker at scrape time (Kafka: log-end minus
 * committed offsets through the admin client; embedded: the broker's own offsets). A broker that
 * does not answer leaves the gauge empty for that scrape rather than failing the whole scrape.
 */
@Injectable()
export class ConsumerLagGauge implements OnApplicationBootstrap {
  /** Kept so the gauge's owner is plain to see; prom-client's registry holds it too. */
  readonly gauge: Gauge<'topic'>;
  private readonly logger = new Logger('ConsumerLag');
  private topics: readonly string[] = [];

  constructor(
    private readonly admin: BrokerAdmin,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    metrics: MessagingMetrics,
  ) {
    const read = (): Promise<Map<string, number>> => this.read();
    this.gauge = new Gauge({
      name: 'messaging_consumer_lag',
      help: "Messages the service's consumer group has not processed yet, per consumed topic.",
      labelNames: ['topic'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const [topic, behind] of await read()) this.set({ topic }, behind);
      },
    });
  }

  /** The handlers are all registered once the application has bootstrapped. */
  onApplicationBootstrap(): void {
    this.topics = handlerTopics(this.discovery, this.scanner, this.reflector);
  }

  private async read(): Promise<Map<string, number>> {
    if (this.topics.length === 0) return new Map();
    try {
      return await this.admin.consumerLag(this.topics);
    } catch (error) {
      this.logger.warn(`Could not read the consumer lag: ${errorDetails(error).message}`);
      return new Map();
    }
  }
}

/** The topics of every `@OnEvent` handler of the app's controllers. */
function handlerTopics(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): string[] {
  const topics = new Set<string>();
  for (const wrapper of discovery.getControllers()) {
    const prototype: unknown = wrapper.metatype?.prototype;
    if (typeof prototype !== 'object' || prototype === null) continue;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const method: unknown = Reflect.get(prototype, name);
      if (typeof method !== 'function') continue;
      const contract = reflector.get<EventContract | undefined>(EVENT_CONTRACT, method);
      if (contract) topics.add(contract.topic);
    }
  }
  return [...topics].sort();
}
