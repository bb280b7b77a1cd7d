import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findFreePorts, freePort } from './free-port.js';

describe('free ports', () => {
  const servers: Server[] = [];

  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  /** Takes a free port on 127.0.0.1 and keeps it until the test ends. */
  async function occupy(): Promise<number> {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    return address.port;
  }

  it('gives a port that a server can listen on next', async () => {
    const port = await freePort();

    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(server.address()).toMatchObject({ port });
  });

  it('skips a port that is taken', async () => {
    const taken = await occupy();

    // Usually taken + 1; later when some other process happens to listen there.
    expect(await findFreePorts(taken, 1)).toBeGreaterThan(taken);
  });

  it('skips a whole group of ports when any port in it is taken', async () => {
    const taken = await occupy();

    const first = await findFreePorts(taken, 2);

    // The group [taken, taken + 1] is not free; later groups start an even distance on (a
    // broker's client port and its controller port stay one pair).
    expect(first).toBeGreaterThan(taken);
    expect((first - taken) % 2).toBe(0);
  });

  it('says what to do when no group is free', async () => {
    const taken = await occupy();

    await expect(findFreePorts(taken, 1, 1)).rejects.toThrow(
      `No 1 free neighbouring port(s) on 127.0.0.1 between ${taken} and ${taken + 1}: stop some of the processes listening there.`,
    );
  });
});
