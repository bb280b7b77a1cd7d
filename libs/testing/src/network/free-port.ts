import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago, for a server a test starts: the system picks
 * it, so suites running side by side do not collide.
 */
export async function freePort(): Promise<number> {
  const port = await listenBriefly(0);
  if (port === undefined) throw new Error('The system gave no free TCP port on 127.0.0.1.');
  return port;
}

/**
 * The first port from `from` (stepping by `width`) where it and the `width - 1` ports after it
 * are all free on 127.0.0.1: a KRaft broker takes its client port and the controller port
 * after it, PostgreSQL and Redis one port each.
 */
export async function findFreePorts(from: number, width: number, attempts = 50): Promise<number> {
  const last = from + attempts * width;
  for (let port = from; port < last; port += width) {
    if (await allFree(port, width)) return port;
  }
  throw new Error(
    `No ${width} free neighbouring port(s) on 127.0.0.1 between ${from} and ${last}: stop some of the processes listening there.`,
  );
}

async function allFree(first: number, width: number): Promise<boolean> {
  for (let port = first; port < first + width; port++) {
    if ((await listenBriefly(port)) === undefined) return false;
  }
  return true;
}

/** Listens on `port` (0: any) and closes at once: the port it got, or undefined if it was taken. */
function listenBriefly(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
