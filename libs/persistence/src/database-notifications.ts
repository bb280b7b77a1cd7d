import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { backoffDelay } from '#atlas/resilience';
import { DEFAULT_CONNECT_TIMEOUT_MS, type PersistenceOptions } from './persistence.options.js';

/** Channel names are spliced into `LISTEN`: only this shape is accepted. */
const CHANNEL = /^atlas_[a-z0-9_]{1,40}$/;
const RECONNECT = { initialDelayMs: 200, maxDelayMs: 10_000 };

/**
 * PostgreSQL `LISTEN/NOTIFY` for the service's database: how one replica tells the others
 * that it committed work for a background worker, so that the replica holding the worker's
 * lock (the outbox relay, the order projector) runs its next pass now instead of at its poll.
 *
 * - `announce(channel)` after a commit: one `NOTIFY` per channel per turn of the event loop,
 *   however many commits asked for it, sent on this instance's own connection and not awaited.
 *   A failed `NOTIFY` is logged and dropped: the workers' polls remain the safety net.
 * - `listen(channel, onNotice)`: `onNotice` runs for every other instance's announcement
 *   (this instance's own are skipped: in-process wake-ups already covered them). After a
 *   lost connection it reconnects with backoff, listens again and calls every listener once,
 *   since notifications sent while it was away are lost.
 *
 * Embedded mode (PGlite, `poolMax` 1) is one process with one session: `acrossProcesses` is
 * false and both methods do nothing, so no second connection is opened.
 */
export class DatabaseNotifications implements OnApplicationShutdown {
  readonly acrossProcesses: boolean;
  private readonly logger: Logger;
  /** The payload of this instance's notifications, to recognise them when they come back. */
  private readonly sender = randomUUID();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly pending = new Set<string>();
  private connection: Promise<Client> | undefined;
  /** The client `connection` resolved to, once it has. */
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly options: Pick<
      PersistenceOptions,
      'service' | 'url' | 'poolMax' | 'connectTimeoutMs'
    >,
  ) {
    this.acrossProcesses = options.poolMax > 1;
    this.logger = new Logger(`DatabaseNotifications:${options.service}`);
  }

  /** Tells the other instances on this database that there is work on `channel`. */
  announce(channel: string): void {
    checkChannel(channel);
    if (!this.acrossProcesses || this.closed) return;
    if (this.pending.size === 0) setImmediate(() => void this.flush());
    this.pending.add(channel);
  }

  /** Calls `onNotice` when another instance announces `channel`; returns the way to stop. */
  listen(channel: string, onNotice: () => void): () => void {
    checkChannel(channel);
    if (!this.acrossProcesses) return () => undefined;
    let listeners = this.listeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(channel, listeners);
      void this.subscribe(channel);
    }
    listeners.add(onNotice);
    const registered = listeners;
    return () => void registered.delete(onNotice);
  }

  /** Resolves once every `LISTEN` asked for so far is in place (tests wait for it). */
  async ready(): Promise<void> {
    if (!this.acrossProcesses || this.listeners.size === 0) return;
    const client = await this.connect();
    for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = undefined;
    this.client = undefined;
    const client = await connection?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    const channels = [...this.pending];
    this.pending.clear();
    try {
      const client = await this.connect();
      await client.query('SELECT pg_notify(channel, $1) FROM unnest($2::text[]) AS channel', [
        this.sender,
        channels,
      ]);
    } catch (error) {
      this.logger.warn(`Could not announce ${channels.join(', ')}: ${describe(error)}`);
    }
  }

  private async subscribe(channel: string): Promise<void> {
    try {
      const client = await this.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.logger.warn(`Could not listen on ${channel}: ${describe(error)}`);
      this.scheduleReconnect();
    }
  }

  /** The open connection, opened (and listening on every channel) if there is none. */
  private connect(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('database notifications are closed'));
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.url,
      application_name: `atlas-${this.options.service}-notifications`,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.payload === this.sender) return;
      this.call(message.channel);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    return client;
  }

  private lost(client: Client, error: Error): void {
    // Errors while opening reject `open()` itself; this is for a connection that was up.
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.connection = undefined;
    this.logger.warn(`Lost the notifications connection: ${error.message}`);
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.reconnectTimer) return;
    this.failures++;
    const delay = backoffDelay(this.failures, RECONNECT);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.logger.warn(`Could not reconnect for notifications: ${describe(error)}`);
      this.scheduleReconnect();
      return;
    }
    this.failures = 0;
    // Whatever was announced while the connection was down is lost: look once, everywhere.
    for (const channel of this.listeners.keys()) this.call(channel);
  }

  private call(channel: string): void {
    for (const onNotice of this.listeners.get(channel) ?? []) {
      try {
        onNotice();
      } catch (error) {
        this.logger.warn(`A listener of ${channel} failed: ${describe(error)}`);
      }
    }
  }
}

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) {
    throw new RangeError(
      `Notification channel "${channel}" must match ${CHANNEL.source} (it is spliced into LISTEN)`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
