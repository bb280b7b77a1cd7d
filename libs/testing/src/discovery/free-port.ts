import { createServer } from 'node:net';

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
    if (!(await isFree(port))) return false;
  }
  return true;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
