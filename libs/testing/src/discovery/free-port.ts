import { createServer } from 'node:net';

/**
 * The first port from `from` (stepping by two) where both it and the next port are free on
 * 127.0.0.1: a KRaft broker takes its client port and the controller port after it.
 */
export async function findFreePortPair(from: number, attempts = 50): Promise<number> {
  for (let port = from; port < from + attempts * 2; port += 2) {
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
  throw new Error(
    `No two free neighbouring ports on 127.0.0.1 between ${from} and ${from + attempts * 2}: stop some of the processes listening there.`,
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
