import { type Server, type Socket, connect, createServer } from 'node:net';

export interface SingleConnectionGate {
  /** `host:port` to give clients instead of the upstream's address. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * A loopback TCP front door that lets one client connection at a time through to `upstream`,
 * and holds later ones until the previous connection is gone upstream too.
 *
 * The PGlite socket server accepts a single connection and frees its slot a moment after the
 * socket closes. A client that reconnects at once (a pool reopening its one connection, a data
 * source closed and opened again) lands in that moment and is turned away with "Too many
 * connections". Here it waits its turn instead, until `isUpstreamIdle()` says the slot is free.
 * A client that gives up while waiting (its connect timeout) simply leaves the queue.
 */
export async function startSingleConnectionGate(
  upstream: { host: string; port: number },
  isUpstreamIdle: () => boolean,
): Promise<SingleConnectionGate> {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let busy = false;
  let closed = false;

  const pump = async (): Promise<void> => {
    if (busy) return;
    const client = waiting.shift();
    if (!client) return;
    busy = true;
    await waitUntil(() => closed || isUpstreamIdle());
    if (client.destroyed || closed) {
      busy = false;
      return pump();
    }
    const server = connect(upstream);
    open.add(server);
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    client.on('close', () => server.destroy());
    server.on('error', () => client.destroy());
    server.on('close', () => {
      open.delete(server);
      client.destroy();
      busy = false;
      void pump();
    });
  };

  const gate: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => {
      open.delete(client);
      const index = waiting.indexOf(client);
      if (index !== -1) waiting.splice(index, 1);
    });
    client.on('error', () => client.destroy());
    waiting.push(client);
    void pump();
  });
  await new Promise<void>((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(0, '127.0.0.1', () => resolve());
  });

  const address = gate.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The embedded PostgreSQL gate is not listening on a TCP port.');
  }
  return {
    address: `127.0.0.1:${address.port}`,
    async close() {
      closed = true;
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
    },
  };
}

// The PGlite server frees a slot within a few event-loop turns: polling briefly is simpler than
// reaching into its internals for an event.
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
