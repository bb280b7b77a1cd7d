import { createServer, type Server } from 'node:http';

/**
 * An OTLP/HTTP endpoint that takes every export and throws it away: what a collector costs the
 * apps (serialising and sending their spans) without a collector's own work on this machine.
 */
export class OtlpSink {
  private server: Server | undefined;
  /** Bytes of spans received, to show the traced run really exported. */
  received = 0;

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      request.on('data', (chunk: Buffer) => (this.received += chunk.length));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the OTLP sink is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
