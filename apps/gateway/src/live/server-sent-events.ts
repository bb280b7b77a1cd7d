import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from '#atlas/http';

/** Comment lines at this interval keep proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * One text/event-stream response, opened on its first event. Until then the route can still
 * answer with an ordinary problem+json error (403, 404).
 */
export class ServerSentEvents {
  private opened = false;
  private ended = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly reply: FastifyReply) {}

  send(event: string, data: unknown, id?: string): void {
    if (this.ended) return;
    this.open();
    const lines = [
      `event: ${event}`,
      ...(id ? [`id: ${id}`] : []),
      `data: ${JSON.stringify(data)}`,
    ];
    this.reply.raw.write(`${lines.join('\n')}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    if (this.opened) this.reply.raw.end();
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    // Written by hand from here on: Fastify must not send a reply of its own.
    this.reply.hijack();
    // What the hooks already set (CORS, security headers), then the stream's own.
    const set: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(this.reply.getHeaders())) {
      if (value !== undefined) set[name] = typeof value === 'number' ? String(value) : value;
    }
    this.reply.raw.writeHead(200, {
      ...set,
      [REQUEST_ID_HEADER]: this.reply.request.id,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    // EventSource reconnects after this many milliseconds if the stream drops.
    this.reply.raw.write('retry: 3000\n\n');
    this.heartbeat = setInterval(() => this.reply.raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }
}
