import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

export const SHUTDOWN_OPTIONS = Symbol('SHUTDOWN_OPTIONS');

export interface ShutdownOptions {
  /** How long to keep serving, while reporting not-ready, before the server closes. */
  readonly drainMs: number;
}

/**
 * The first step of a graceful shutdown. Nest runs `onModuleDestroy` before it closes the
 * HTTP server and the consumers, so this is where readiness turns to 503 and the app keeps
 * serving for `drainMs`: long enough for a load balancer or Kubernetes to stop sending traffic.
 * Libraries close their connections later, in `onApplicationShutdown`.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private draining = false;

  constructor(private readonly options: ShutdownOptions) {}

  get isShuttingDown(): boolean {
    return this.draining;
  }

  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    if (this.options.drainMs <= 0) return;
    this.logger.log(`not ready; draining for ${this.options.drainMs} ms before closing`);
    await sleep(this.options.drainMs);
  }
}
