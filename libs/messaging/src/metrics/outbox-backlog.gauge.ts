import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { errorDetails } from '../errors/error-details.js';
import { OutboxStore } from '../outbox/outbox.store.js';
import { MessagingMetrics } from './messaging.metrics.js';

/**
 * `messaging_outbox_backlog`: outbox rows not yet published, counted at scrape time. A backlog
 * that only grows means the relay is stuck (broker down, a poisoned row), while the service
 * itself keeps answering 202. The count runs on the partial index of unpublished rows.
 */
@Injectable()
export class OutboxBacklogGauge {
  /** Kept so the gauge's owner is plain to see; prom-client's registry holds it too. */
  readonly gauge: Gauge;
  private readonly logger = new Logger('OutboxBacklog');

  constructor(dataSource: DataSource, store: OutboxStore, metrics: MessagingMetrics) {
    const logger = this.logger;
    this.gauge = new Gauge({
      name: 'messaging_outbox_backlog',
      help: 'Outbox rows written but not yet published to the broker.',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await store.countUnpublished(dataSource.manager));
        } catch (error) {
          // Keep the last count rather than fail the whole scrape (or report a reassuring 0).
          logger.warn(`Could not count the outbox backlog: ${errorDetails(error).message}`);
        }
      },
    });
  }
}
