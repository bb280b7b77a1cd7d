import type { LoggerService } from '@nestjs/common';
import type { EachMessagePayload, KafkaMessage } from 'kafkajs';
import { errorDetails } from '../errors/error-details.js';
import type { GroupMember } from './group-member.js';
import type { OffsetStore } from './offset-store.js';
import type { PartitionLog } from './partition-log.js';
import type { StoredRecord } from './stored-record.js';
import { WakeSignal } from './wake-signal.js';
import { type BackoffOptions, backoffDelay, sleep } from '#atlas/resilience';

export interface PartitionRunnerContext {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly log: PartitionLog;
  readonly offsets: OffsetStore;
  readonly redelivery: BackoffOptions;
  readonly logger: LoggerService;
  /** The member that owns this partition now, if any. */
  owner(): GroupMember | undefined;
}

/**
 * Delivers one partition's messages to one consumer group, strictly one at a time and in
 * offset order, to whichever member owns the partition at that moment.
 *
 * Because a single loop serves the partition for the whole group, a rebalance can never make
 * two members process it at once: the new owner gets the next message only after the previous
 * owner's in-flight message settled. The committed offset moves only when a handler resolves,
 * so a message whose handler rejected (or was running when its owner left) is delivered again,
 * to whoever owns the partition by then.
 */
export class PartitionRunner {
  private readonly signal = new WakeSignal();
  private readonly stopping = new AbortController();
  private inFlight: { member: GroupMember; settled: Promise<boolean> } | undefined;
  private failures = 0;
  private readonly loop: Promise<void>;

  constructor(private readonly ctx: PartitionRunnerContext) {
    this.loop = this.run();
  }

  /** Something changed (a new message, a new owner): look again. */
  wake(): void {
    this.signal.wake();
  }

  /** Resolves once `member` has no handler running on this partition. */
  async drain(member: GroupMember): Promise<void> {
    if (this.inFlight?.member === member) await this.inFlight.settled;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.signal.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.step();
      } catch (error) {
        // Only the broker's own bookkeeping (e.g. a failed offset write) lands here.
        this.ctx.logger.error(
          `${this.describe()}: delivery loop failed, retrying: ${String(error)}`,
          errorDetails(error).stack,
        );
        this.failures++;
        await sleep(backoffDelay(this.failures, this.ctx.redelivery), this.stopping.signal);
      }
    }
  }

  private async step(): Promise<void> {
    const member = this.ctx.owner();
    const offset = this.ctx.offsets.committed(this.ctx.groupId, this.ctx.topic, this.ctx.partition);
    // A group with no committed offset starts at the earliest message.
    const record = this.ctx.log.read(offset ?? 0);
    if (!member || member.state !== 'active' || !record) {
      await this.signal.wait();
      return;
    }

    const release = await member.slots.acquire();
    let delivered: boolean;
    try {
      // Ownership may have moved while this loop waited for a free slot.
      if (this.ctx.owner() !== member || member.state !== 'active') return;
      if (this.stopping.signal.aborted) return;
      delivered = await this.deliver(member, record);
    } finally {
      release();
    }

    if (delivered) {
      this.failures = 0;
      const next = record.offset + 1;
      this.ctx.offsets.commit(this.ctx.groupId, this.ctx.topic, this.ctx.partition, next);
      member.committed(this.ctx.topic, this.ctx.partition, next);
    } else {
      this.failures++;
      const delay = backoffDelay(this.failures, this.ctx.redelivery);
      this.ctx.logger.warn(
        `${this.describe()}@${record.offset}: handler failed ${this.failures} time(s); ` +
          `redelivering in ${delay} ms`,
      );
      await sleep(delay, this.stopping.signal);
    }
  }

  private async deliver(member: GroupMember, record: StoredRecord): Promise<boolean> {
    const payload: EachMessagePayload = {
      topic: this.ctx.topic,
      partition: this.ctx.partition,
      message: toKafkaMessage(record),
      heartbeat: () => Promise.resolve(),
      pause: () => {
        throw new Error(
          'EmbeddedBroker consumers do not support pause(); reject the message to have it redelivered',
        );
      },
    };
    const settled = Promise.resolve()
      .then(() => member.eachMessage(payload))
      .then(
        () => true,
        (error: unknown) => {
          this.ctx.logger.warn(
            `${this.describe()}@${record.offset}: handler rejected: ${String(error)}`,
          );
          return false;
        },
      );
    this.inFlight = { member, settled };
    try {
      return await settled;
    } finally {
      this.inFlight = undefined;
    }
  }

  private describe(): string {
    return `${this.ctx.groupId} ${this.ctx.topic}[${this.ctx.partition}]`;
  }
}

/** A copy shaped like kafkajs's message, so handlers cannot modify the log by accident. */
function toKafkaMessage(record: StoredRecord): KafkaMessage {
  return {
    key: record.key === null ? null : Buffer.from(record.key),
    value: record.value === null ? null : Buffer.from(record.value),
    headers: Object.fromEntries(
      Object.entries(record.headers).map(([name, value]) => [name, Buffer.from(value)]),
    ),
    timestamp: String(record.timestamp),
    offset: String(record.offset),
    attributes: 0,
  };
}
