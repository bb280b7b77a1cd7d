import { Injectable, Optional } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { ServiceMetrics } from '#atlas/observability';

/**
 * How the consumer finished with one delivery: `applied` (the handler ran and changed
 * something), `duplicate` (the inbox had seen the event and dropped it), `retried` (one failed
 * attempt that is tried again), `dead_lettered` (parked on `<topic>.dlq`).
 */
export type ProcessedOutcome = 'applied' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * The service's messaging metrics, in the app's registry (so they carry its `service` label).
 * Apps always have one (startService imports MetricsModule); a test that wires messaging on its
 * own gets a private registry instead of a missing-provider error.
 */
@Injectable()
export class MessagingMetrics {
  readonly registry: Registry;
  private readonly processed: Counter<'topic' | 'outcome'>;

  constructor(@Optional() metrics?: ServiceMetrics) {
    this.registry = metrics?.registry ?? new Registry();
    this.processed = new Counter({
      name: 'messaging_messages_processed_total',
      help: 'Messages taken by @OnEvent handlers, by topic and by how their processing ended.',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
  }

  messageProcessed(topic: string, outcome: ProcessedOutcome): void {
    this.processed.inc({ topic, outcome });
  }
}
