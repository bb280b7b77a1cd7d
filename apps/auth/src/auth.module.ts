import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import {
  InboxMessage,
  MessagingModule,
  OutboxMessage,
  messagingMigrations,
} from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import type { AuthConfig } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { LoginService } from './credentials/login.service.js';
import { PasswordHasher } from './credentials/password-hasher.js';
import { CreateAuthTables1764100000000 } from './migrations/1764100000000-create-auth-tables.js';
import { RefreshToken } from './sessions/refresh-token.entity.js';
import { Session } from './sessions/session.entity.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenIssuer } from './tokens/access-token.issuer.js';
import { JwksController } from './tokens/jwks.controller.js';
import { SigningKey } from './tokens/signing-key.entity.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';
import { TOKEN_SETTINGS } from './tokens/token-settings.js';
import { ADMIN_ACCOUNT, AdminSeeder } from './users/admin.seeder.js';
import { User } from './users/user.entity.js';
import { UsersService } from './users/users.service.js';

/** Users, credentials, sessions and the keys that sign every access token in Atlas. */
@Module({})
export class AuthModule {
  static register(config: AuthConfig, context: ServiceContext): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'auth',
          ...config.database,
          entities: [User, Session, RefreshToken, SigningKey, OutboxMessage, InboxMessage],
          migrations: [...messagingMigrations, CreateAuthTables1764100000000],
        }),
        MessagingModule.forService({ service: 'auth', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [AuthController, JwksController],
      providers: [
        { provide: TOKEN_SETTINGS, useValue: config.tokens },
        { provide: ADMIN_ACCOUNT, useValue: config.admin },
        PasswordHasher,
        UsersService,
        LoginService,
        SessionsService,
        SigningKeysService,
        AccessTokenIssuer,
        AdminSeeder,
      ],
    };
  }
}
