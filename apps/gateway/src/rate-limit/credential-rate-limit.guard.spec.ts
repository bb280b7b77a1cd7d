import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Module, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  MemoryRateLimitStore,
  RateLimitStore,
  type RateLimitDecision,
  type RateLimitRule,
} from '#atlas/cache';
import { ProblemDetailsFilter } from '#atlas/http';
import { ForwardingRoutes } from '../routes/forwarding.routes.js';
import { GATEWAY_CONFIG } from '../upstream/upstream.client.js';
import {
  CredentialRateLimitGuard,
  credentialRouteOf,
  LimitPerClientIp,
} from './credential-rate-limit.guard.js';

@Controller()
class ProbeRoutes {
  @LimitPerClientIp('login')
  @Post('login')
  login() {
    return { ok: true };
  }

  @Post('other')
  other() {
    return { ok: true };
  }
}

class UnreachableStore extends RateLimitStore {
  consume(_key: string, _rule: RateLimitRule): Promise<RateLimitDecision> {
    return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }
}

describe('CredentialRateLimitGuard', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
  });

  async function serve(store: RateLimitStore) {
    @Module({
      controllers: [ProbeRoutes],
      providers: [
        { provide: RateLimitStore, useValue: store },
        {
          provide: GATEWAY_CONFIG,
          useValue: { credentialRateLimit: { limit: 2, windowMs: 60_000 } },
        },
        { provide: APP_GUARD, useClass: CredentialRateLimitGuard },
      ],
    })
    class ProbeModule {}
    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app.getHttpAdapter().getInstance();
  }

  it('limits a marked route per client IP and answers 429 with Retry-After', async () => {
    const fastify = await serve(new MemoryRateLimitStore({ keyPrefix: 'test' }));
    const login = (ip: string) =>
      fastify.inject({ method: 'POST', url: '/login', remoteAddress: ip });
    expect((await login('203.0.113.7')).statusCode).toBe(201);
    expect((await login('203.0.113.7')).statusCode).toBe(201);
    const limited = await login('203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await login('203.0.113.8')).statusCode).toBe(201);
    for (let i = 0; i < 3; i += 1) {
      const other = await fastify.inject({
        method: 'POST',
        url: '/other',
        remoteAddress: '203.0.113.7',
      });
      expect(other.statusCode).toBe(201);
    }
  });

  it('fails closed: without its store, a credential route answers 503 and the others work', async () => {
    const fastify = await serve(new UnreachableStore());
    const login = await fastify.inject({ method: 'POST', url: '/login' });
    expect(login.statusCode).toBe(503);
    expect(login.json()).toMatchObject({ code: 'AUTH.UNAVAILABLE' });
    expect(login.headers['retry-after']).toBe('5');
    expect((await fastify.inject({ method: 'POST', url: '/other' })).statusCode).toBe(201);
  });

  it('marks every public route where a credential is tried (issue #3 item 6)', () => {
    const reflector = new Reflector();
    const routeOf = (routes: { prototype: object }, method: string) => {
      const handler: unknown = Reflect.get(routes.prototype, method);
      if (typeof handler !== 'function') throw new Error(`no route handler ${method}`);
      return credentialRouteOf(reflector, handler);
    };
    const marked = {
      register: routeOf(ForwardingRoutes, 'register'),
      login: routeOf(ForwardingRoutes, 'login'),
      refresh: routeOf(ForwardingRoutes, 'refresh'),
      mfaVerify: routeOf(ForwardingRoutes, 'mfaVerify'),
      oidcAuthorize: routeOf(ForwardingRoutes, 'oidcAuthorize'),
      oidcCallback: routeOf(ForwardingRoutes, 'oidcCallback'),
    };
    expect(marked).toEqual({
      register: 'register',
      login: 'login',
      refresh: 'refresh',
      mfaVerify: 'mfa-verify',
      oidcAuthorize: 'oidc',
      oidcCallback: 'oidc',
    });
  });
});
