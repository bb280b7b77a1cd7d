import { afterEach, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, type DynamicModule, Module, Post } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ConfigError, parseConfig, serviceEnv, serviceSettings } from '#atlas/config';
import { Public } from '#atlas/http';
import { defineService } from './service-definition.js';
import { startService, type RunningService } from './start-service.js';

const Echo = z.object({ text: z.string().min(1) });

@Controller()
class ProbeController {
  @Public()
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    await sleep(600);
    return { done: true };
  }

  @Public()
  @Post('echo')
  echo(@Body({ schema: Echo }) body: z.infer<typeof Echo>): z.infer<typeof Echo> {
    return body;
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('database password=hunter2 at 10.0.0.5 refused');
  }
}

@Module({})
class ProbeModule {
  static register(): DynamicModule {
    return { module: ProbeModule, controllers: [ProbeController] };
  }
}

const schema = z.object({
  ...serviceEnv(0),
  PROBE_REQUIRED: z.string().min(1).describe('any text'),
});

const probeService = defineService({
  name: 'payments',
  parseConfig: (env) => ({ service: serviceSettings(parseConfig('probe', schema, env)) }),
  module: () => ProbeModule.register(),
  readiness: [],
});

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

describe('startService', () => {
  let running: RunningService | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const start = async (env: Record<string, string> = {}) => {
    running = await startService(probeService, {
      env: { PORT: '0', PROBE_REQUIRED: 'yes', LOG_LEVEL: 'silent', ...env },
      logDestination: silent,
    });
    return running.url;
  };

  it('refuses to start, naming the variable, when the configuration is incomplete', async () => {
    const failure = startService(probeService, { env: { PORT: '0' }, logDestination: silent });
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/PROBE_REQUIRED is required \(any text\)/);
  });

  it('answers health probes and serves Prometheus metrics for its routes', async () => {
    const url = await start();
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: {} });

    await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"hi"}',
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{service="payments",method="POST",route="\/echo",status_code="201"\} 1/,
    );
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('puts security headers and the request id on every response, errors included', async () => {
    const url = await start();
    for (const path of ['/health/live', '/no-such-route']) {
      const response = await fetch(`${url}${path}`, { headers: { 'x-request-id': 'req-123' } });
      expect(response.headers.get('x-request-id')).toBe('req-123');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    const forged = await fetch(`${url}/health/live`, {
      headers: { 'x-request-id': `<script>${'x'.repeat(200)}` },
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers every kind of bad request with problem+json and no internals', async () => {
    const url = await start();
    const cases: [RequestInit & { path: string }, number, string][] = [
      [{ path: '/no-such-route' }, 404, 'HTTP.NOT_FOUND'],
      [
        {
          path: '/echo',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"text":',
        },
        400,
        'REQUEST.INVALID',
      ],
      [
        {
          path: '/echo',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"text":""}',
        },
        400,
        'REQUEST.INVALID',
      ],
      [
        {
          path: '/echo',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }),
        },
        413,
        'REQUEST.TOO_LARGE',
      ],
      [
        { path: '/echo', method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
        415,
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      ],
      [{ path: '/boom' }, 500, 'INTERNAL'],
    ];
    for (const [{ path, ...init }, status, code] of cases) {
      const response = await fetch(`${url}${path}`, init);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ status, code, instance: path });
      expect(text).not.toMatch(/hunter2|10\.0\.0\.5|at .*\.(js|ts):\d+/);
    }
  });

  it('lists each invalid field of a request body', async () => {
    const url = await start();
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":42}',
    });
    expect(await response.json()).toMatchObject({
      errors: [{ path: 'text', message: expect.stringContaining('string') }],
    });
  });

  it('shuts down gracefully: not ready while draining, finishes in-flight work, then stops', async () => {
    const url = await start({ SHUTDOWN_DRAIN_MS: '400' });
    const inFlight = fetch(`${url}/slow`);
    await sleep(50);
    const service = running;
    if (!service) throw new Error('the service did not start');
    const closing = service.close();
    await sleep(100);

    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'shutting_down' });

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow('fetch failed');
    running = undefined;
  });
});
