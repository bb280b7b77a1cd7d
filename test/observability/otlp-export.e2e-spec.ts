import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Problem } from '#atlas/contracts';
import { freePort } from '#atlas/testing';
import { OtlpReceiver, SPAN_KIND } from '../support/otlp-receiver.js';

const LogLine = z.looseObject({ msg: z.string().optional() });

/**
 * OpenTelemetry is started by `--import register.js` before any app code, as in the
 * Dockerfile: a built gateway process exports its spans over OTLP/HTTP to a receiver in this
 * test, and the JSON log line of the same request carries the same trace id.
 */
describe('tracing in a real process', () => {
  const receiver = new OtlpReceiver();
  let gateway: ChildProcess;
  let gatewayUrl: string;
  const logLines: z.infer<typeof LogLine>[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/apps/gateway/src/main.js')) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    }
    const endpoint = await receiver.start();
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = spawn(
      process.execPath,
      [
        '--import',
        resolve('dist/libs/observability/src/register.js'),
        resolve('dist/apps/gateway/src/main.js'),
      ],
      {
        env: {
          ...process.env,
          PORT: String(port),
          ATLAS_CACHE: 'memory',
          // Nothing listens here: requests to services fail fast with 502, which is traced too.
          AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
          CATALOG_URL: 'http://127.0.0.1:9',
          OTEL_SERVICE_NAME: 'atlas-gateway',
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          // Every trace recorded, and every request logged: this test proves both.
          OTEL_TRACES_SAMPLER_ARG: '1',
          LOG_LEVEL: 'info',
          LOG_REQUESTS: 'true',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    gateway.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('{')) logLines.push(LogLine.parse(JSON.parse(line)));
      }
    });
    await waitFor(async () => (await fetch(`${gatewayUrl}/health/ready`)).ok);
  });

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await once(gateway, 'exit');
    }
    await receiver.stop();
  });

  it('exports a server span over OTLP, with the service name, and logs its trace id', async () => {
    const response = await fetch(`${gatewayUrl}/v1/products`);
    expect(response.status).toBe(502);
    const traceId = Problem.parse(await response.json()).traceId ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const exported = await waitFor(
      () => Promise.resolve(receiver.trace(traceId)),
      (spans) => spans.some((span) => span.kind === SPAN_KIND.SERVER),
    );
    expect(exported).toContainEqual(
      expect.objectContaining({ serviceName: 'atlas-gateway', kind: SPAN_KIND.SERVER }),
    );

    const logged = logLines.filter((line) => line.msg === 'request completed');
    expect(logged).toContainEqual(
      expect.objectContaining({ trace_id: traceId, status: 502, service: 'gateway' }),
    );
  });
});

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean = Boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(100);
  }
}
