import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  CACHE_BACKEND,
  type CacheBackend,
  createRedisConnection,
  waitUntilReady,
} from '#atlas/cache';
import type { CacheSettings } from '#atlas/config';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { JwksKeyResolver } from './jwks-key.resolver.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { MemorySessionRevocations } from './memory-session-revocations.js';
import { PermissionsGuard } from './permissions.guard.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';
import { RequestAuthentication } from './request-authentication.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';
import { SessionRevocations } from './session-revocations.js';

/**
 * Access-token authentication (signature, claims, revocation) and permission checks (roles
 * grant permissions, see permissions.ts) for every HTTP route of the app. `SessionRevocations`
 * is exported so the auth service can record what it revokes in the same store every verifier
 * reads; `RequestAuthentication` for the entry points that are not routes (the gateway's rate
 * limiter, GraphQL, WebSocket upgrades).
 *
 * An app that also imports `CacheModule` on Redis asks about revocations on that same
 * connection, which pipelines what is sent together: the gateway's rate-limit step and its
 * revocation check go to Redis as one write and come back as one read.
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityOptions): DynamicModule {
    return {
      module: SecurityModule,
      providers: [
        { provide: SECURITY_OPTIONS, useValue: options },
        {
          provide: SessionRevocations,
          inject: [{ token: CACHE_BACKEND, optional: true }],
          useFactory: (cache?: CacheBackend) => openRevocations(options.revocations, cache),
        },
        JwksKeyResolver,
        AccessTokenVerifier,
        RequestAuthentication,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: PermissionsGuard },
      ],
      exports: [SessionRevocations, RequestAuthentication, AccessTokenVerifier, SECURITY_OPTIONS],
    };
  }
}

async function openRevocations(
  settings: CacheSettings,
  cache: CacheBackend | undefined,
): Promise<SessionRevocations> {
  switch (settings.kind) {
    case 'memory':
      return MemorySessionRevocations.inProcess();
    case 'redis': {
      if (cache?.kind === 'redis') {
        return new RedisSessionRevocations(cache.client, settings.namespace, { owned: false });
      }
      const client = createRedisConnection({ url: settings.url });
      await waitUntilReady(client, 5_000);
      return new RedisSessionRevocations(client, settings.namespace, { owned: true });
    }
    default: {
      const unknown: never = settings;
      throw new Error(`unknown revocation store ${JSON.stringify(unknown)}: use redis or memory`);
    }
  }
}
