import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Problem } from '#atlas/contracts';
import { freePort } from '../../apps/embedded/src/free-port.js';

/** The parts of OTLP/HTTP's JSON encoding this test reads. */
const OtlpExport = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({
          attributes: z.array(
            z.object({ key: z.string(), value: z.object({ stringValue: z.string().optional() }) }),
          ),
        }),
        scopeSpans: z.array(
          z.object({
            spans: z.array(z.object({ traceId: z.string(), name: z.string(), kind: z.number() })),
          }),
        ),
      }),
    )
    .default([]),
});
type ExportedSpan = z.infer<
  typeof OtlpExport
>['resourceSpans'][number]['scopeSpans'][number]['spans'][number];
const LogLine = z.looseObject({ msg: z.string().optional() });

/**
 * OpenTelemetry is started by `--import register.js` before any app code, as in the
 * Dockerfile: a built gateway process exports its spans over OTLP/HTTP to a receiver in this
 * test, and the JSON log line of the same request carries the same trace id.
 */
describe('tracing in a real process', () => {
  let receiver: Server;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  const batches: { serviceName: string; spans: ExportedSpan[] }[] = [];
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/apps/gateway/src/main.js')) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    }
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') batches.push(...readBatch(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const address = receiver.address();
    const receiverPort = typeof address === 'object' && address ? address.port : 0;

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
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          LOG_LEVEL: 'info',
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
    receiver?.close();
  });

  it('exports a server span over OTLP, with the service name, and logs its trace id', async () => {
    const response = await fetch(`${gatewayUrl}/v1/products`);
    expect(response.status).toBe(502);
    const problem = Problem.parse(await response.json());
    expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);

    const exported = await waitFor(
      () =>
        Promise.resolve(
          batches.flatMap((batch) =>
            batch.spans
              .filter((span) => span.traceId === problem.traceId)
              .map((span) => ({ ...span, serviceName: batch.serviceName })),
          ),
        ),
      (spans) => spans.some((span) => span.kind === SERVER),
    );
    expect(exported).toContainEqual(
      expect.objectContaining({ serviceName: 'atlas-gateway', kind: SERVER }),
    );

    const logged = logLines.filter((line) => line.msg === 'request completed');
    expect(logged).toContainEqual(
      expect.objectContaining({ trace_id: problem.traceId, status: 502, service: 'gateway' }),
    );
  });
});

/** SpanKind.SERVER in OTLP's JSON encoding. */
const SERVER = 2;

function readBatch(body: string): { serviceName: string; spans: ExportedSpan[] }[] {
  return OtlpExport.parse(JSON.parse(body)).resourceSpans.map((resource) => ({
    serviceName:
      resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value
        .stringValue ?? '',
    spans: resource.scopeSpans.flatMap((scope) => scope.spans),
  }));
}

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
