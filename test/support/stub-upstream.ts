import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';

export type StubMode = 'ok' | 'fail' | 'slow';

export interface StubUpstream {
  readonly url: string;
  /** Requests that reached this process (its own control calls excluded). */
  requests(): Promise<number>;
  /** Changes how it answers from now on; `slow` waits `delayMs` before answering 200. */
  setMode(mode: StubMode, delayMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A stand-in for a service, as its own OS process on a real port: it answers every request
 * 200, 500 or slowly, as told, and counts them. The gateway's resilience is tested against
 * these, so connection pools, timeouts and sockets are real. Control calls live under /__stub.
 */
const SCRIPT = `
import { createServer } from 'node:http';
let mode = process.env.STUB_MODE;
let delayMs = Number(process.env.STUB_DELAY_MS);
let requests = 0;
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://stub');
  if (url.pathname === '/__stub/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ requests }));
    return;
  }
  if (url.pathname === '/__stub/mode') {
    mode = url.searchParams.get('mode');
    delayMs = Number(url.searchParams.get('delayMs') ?? 0);
    response.writeHead(204).end();
    return;
  }
  requests += 1;
  request.resume();
  const answer = () => {
    if (mode === 'fail') {
      response.writeHead(500, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'INTERNAL' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ servedBy: process.pid, path: url.pathname }));
  };
  if (mode === 'slow') setTimeout(answer, delayMs);
  else answer();
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

const StubAddress = z.object({ port: z.number().int() });
const StubStats = z.object({ requests: z.number().int() });

export async function startStubUpstream(mode: StubMode, delayMs = 0): Promise<StubUpstream> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { PATH: process.env.PATH, STUB_MODE: mode, STUB_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!child.stdout) throw new Error('the stub upstream has no stdout');
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  const { port } = StubAddress.parse(JSON.parse(String(line)));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests: async () => {
      const response = await fetch(`${url}/__stub/stats`);
      return StubStats.parse(await response.json()).requests;
    },
    setMode: async (next, nextDelayMs = 0) => {
      await fetch(`${url}/__stub/mode?mode=${next}&delayMs=${nextDelayMs}`, { method: 'POST' });
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
