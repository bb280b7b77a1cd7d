import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { createRedisConnection, waitUntilReady } from '#atlas/cache';
import type { CacheSettings } from '#atlas/config';
import { JwksKeyResolver } from './jwks-key.resolver.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { MemorySessionRevocations } from './memory-session-revocations.js';
import { PermissionsGuard } from './permissions.guard.js';
import { RedisSessionRevocations } from './redis-session-revocations.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';
import { SessionRevocations } from './session-revocations.js';

/**
 * Access-token authentication (signature, claims, revocation) and permission checks (roles
 * grant permissions, see permissions.ts) for every HTTP route of the app. `SessionRevocations` is exported so the auth service can
 * record what it revokes in the same store every verifier reads.
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityOptions): DynamicModule {
    return {
      module: SecurityModule,
      imports: [PassportModule.register({ session: false })],
      providers: [
        { provide: SECURITY_OPTIONS, useValue: options },
        { provide: SessionRevocations, useFactory: () => openRevocations(options.revocations) },
        JwksKeyResolver,
        JwtStrategy,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: PermissionsGuard },
      ],
      exports: [SessionRevocations, JwksKeyResolver, SECURITY_OPTIONS],
    };
  }
}

async function openRevocations(settings: CacheSettings): Promise<SessionRevocations> {
  switch (settings.kind) {
    case 'memory':
      return MemorySessionRevocations.inProcess();
    case 'redis': {
      const client = createRedisConnection({ url: settings.url });
      await waitUntilReady(client, 5_000);
      return new RedisSessionRevocations(client, settings.namespace);
    }
    default: {
      const unknown: never = settings;
      throw new Error(`unknown revocation store ${JSON.stringify(unknown)}: use redis or memory`);
    }
  }
}
