import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback TCP proxy a test can take down and bring back on the same port: how the Redis
 * suites play "Redis went away" without touching the Redis other suites use.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listeningPort = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** The port it listens on, once started; the same again after `stop()` and `start()`. */
  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.listeningPort}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listeningPort, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    this.listeningPort = address.port;
    this.server = server;
  }

  /** Cuts every connection and stops listening: to clients, the server is gone. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
