import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Every SSE stream and WebSocket open on this replica. They would hold the server open
 * forever, so shutdown closes them first; clients reconnect, to another replica.
 */
@Injectable()
export class LiveConnections implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  private closing = false;

  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Registers a connection's close function; returns the function that unregisters it. One
   * that opens while shutdown has begun (its request was already under way) is closed at once.
   */
  add(close: () => void): () => void {
    if (this.closing) {
      close();
      return () => undefined;
    }
    this.open.add(close);
    return () => this.open.delete(close);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    // Each close unregisters itself; deleting from a Set while iterating it is safe.
    for (const close of this.open) close();
    this.open.clear();
  }
}
