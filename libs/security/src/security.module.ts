import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { JwksKeyResolver } from './jwks-key.resolver.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { RolesGuard } from './roles.guard.js';
import { SECURITY_OPTIONS, type SecurityOptions } from './security.options.js';

/** Access-token authentication and role checks for every HTTP route of the app. */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityOptions): DynamicModule {
    return {
      module: SecurityModule,
      imports: [PassportModule.register({ session: false })],
      providers: [
        { provide: SECURITY_OPTIONS, useValue: options },
        JwksKeyResolver,
        JwtStrategy,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
