import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { CACHE_BACKEND, CacheModule, type CacheBackend } from '#atlas/cache';
import { MessagingModule, messagingTables } from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { AccountThrottle } from './abuse/account-throttle.js';
import { FailureBackoffStore } from './abuse/failure-backoff.store.js';
import { MemoryFailureBackoffStore } from './abuse/memory-failure-backoff.store.js';
import { RedisFailureBackoffStore } from './abuse/redis-failure-backoff.store.js';
import { AdminUsersController } from './admin/admin-users.controller.js';
import { AdminUsersService } from './admin/admin-users.service.js';
import { SigningKeysController } from './admin/signing-keys.controller.js';
import { AuditEvent } from './audit/audit-event.entity.js';
import { AuditLog } from './audit/audit-log.js';
import type { AuthConfig } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { LoginService } from './credentials/login.service.js';
import { PasswordChangeService } from './credentials/password-change.service.js';
import { PasswordHasher } from './credentials/password-hasher.js';
import { PasswordPolicy } from './credentials/password-policy.js';
import { ENCRYPTION_KEYS, EncryptionKeyring } from './crypto/encryption-keyring.js';
import { MfaChallenge } from './mfa/mfa-challenge.entity.js';
import { MfaChallenges } from './mfa/mfa-challenges.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaService } from './mfa/mfa.service.js';
import { RecoveryCode } from './mfa/recovery-code.entity.js';
import { TotpCredential } from './mfa/totp-credential.entity.js';
import { CreateAuthTables1764100000000 } from './migrations/1764100000000-create-auth-tables.js';
import { AddSecurityTables1764200000000 } from './migrations/1764200000000-add-security-tables.js';
import { ExternalIdentity } from './oidc/external-identity.entity.js';
import { OidcLoginAttempt } from './oidc/oidc-login-attempt.entity.js';
import { OidcLoginService } from './oidc/oidc-login.service.js';
import { OIDC_SETTINGS, OidcProviderClient } from './oidc/oidc-provider.client.js';
import { OidcController } from './oidc/oidc.controller.js';
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

/**
 * Users, credentials, MFA, sessions, external identities, the audit log and the keys that
 * sign every access token in Atlas.
 */
@Module({})
export class AuthModule {
  static register(config: AuthConfig, context: ServiceContext): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'auth',
          ...config.database,
          entities: [
            User,
            Session,
            RefreshToken,
            SigningKey,
            TotpCredential,
            RecoveryCode,
            MfaChallenge,
            ExternalIdentity,
            OidcLoginAttempt,
            AuditEvent,
          ],
          migrations: [CreateAuthTables1764100000000, AddSecurityTables1764200000000],
          libraryTables: [messagingTables],
        }),
        MessagingModule.forService({ service: 'auth', broker: brokerOf(context) }),
        CacheModule.forRoot({ ...config.cache, keyPrefix: 'auth' }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [
        AuthController,
        MfaController,
        OidcController,
        AdminUsersController,
        SigningKeysController,
        JwksController,
      ],
      providers: [
        { provide: TOKEN_SETTINGS, useValue: config.tokens },
        { provide: ADMIN_ACCOUNT, useValue: config.admin },
        { provide: ENCRYPTION_KEYS, useValue: config.encryptionKeys },
        { provide: OIDC_SETTINGS, useValue: config.oidc },
        {
          provide: FailureBackoffStore,
          inject: [CACHE_BACKEND],
          useFactory: (backend: CacheBackend) =>
            backend.kind === 'redis'
              ? new RedisFailureBackoffStore(
                  backend.client,
                  `${config.cache.namespace ? `${config.cache.namespace}.` : ''}auth:backoff:`,
                )
              : new MemoryFailureBackoffStore(),
        },
        EncryptionKeyring,
        PasswordHasher,
        PasswordPolicy,
        AccountThrottle,
        AuditLog,
        UsersService,
        LoginService,
        PasswordChangeService,
        SessionsService,
        MfaChallenges,
        MfaService,
        OidcProviderClient,
        OidcLoginService,
        AdminUsersService,
        SigningKeysService,
        AccessTokenIssuer,
        AdminSeeder,
      ],
    };
  }
}
