import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { LoginResponse, OidcAuthorizeResponse, OidcCallbackRequest } from '#atlas/contracts';
import { AppError, unauthorized } from '#atlas/http';
import { AuditLog } from '../audit/audit-log.js';
import type { ClientContext } from '../audit/client-context.js';
import { LoginService } from '../credentials/login.service.js';
import { EncryptionKeyring } from '../crypto/encryption-keyring.js';
import { hashOpaqueToken } from '../sessions/opaque-token.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { ExternalIdentity } from './external-identity.entity.js';
import { OidcLoginAttempt } from './oidc-login-attempt.entity.js';
import { OidcProviderClient } from './oidc-provider.client.js';

const ATTEMPT_TTL_MS = 10 * 60_000;

/** One answer for every failed callback: which check failed goes to the log, not the client. */
const oidcFailed = () =>
  unauthorized('AUTH.OIDC_FAILED', 'Signing in with the provider failed; start again.');

/** What Atlas needs from the ID token; anything else the provider says is ignored. */
const IdentityClaims = z.object({
  sub: z.string().min(1),
  email: z.email(),
  email_verified: z.literal(true),
  name: z.string().optional(),
});

/**
 * "Sign in with an OpenID Connect provider", authorization code flow with PKCE (RFC 7636):
 * the state, nonce and PKCE verifier are made here and kept server-side (the verifier
 * encrypted) for ten minutes, each good for one callback. The ID token is checked by
 * openid-client (signature, issuer, audience, expiry, nonce). The provider's account is linked
 * to the Atlas account with the same email only when the provider says that email is verified;
 * an unverified email would let anyone claim anyone's account.
 */
@Injectable()
export class OidcLoginService {
  private readonly logger = new Logger(OidcLoginService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly provider: OidcProviderClient,
    private readonly keyring: EncryptionKeyring,
    private readonly users: UsersService,
    private readonly login: LoginService,
    private readonly audit: AuditLog,
  ) {}

  async authorize(): Promise<OidcAuthorizeResponse> {
    const configuration = await this.reachProvider();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const stateHash = hashOpaqueToken(state);
    await this.dataSource.getRepository(OidcLoginAttempt).insert({
      stateHash,
      nonce,
      codeVerifierEncrypted: this.keyring.encrypt(verifier, `oidc-verifier:${stateHash}`),
      expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS),
      consumedAt: null,
    });
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.provider.redirectUri,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl: authorizationUrl.href, state };
  }

  async callback(request: OidcCallbackRequest, client: ClientContext): Promise<LoginResponse> {
    const configuration = await this.reachProvider();
    const attempt = await this.claimAttempt(request.state);
    if (!attempt) throw oidcFailed();

    const callbackUrl = new URL(this.provider.redirectUri);
    callbackUrl.searchParams.set('code', request.code);
    callbackUrl.searchParams.set('state', request.state);
    if (request.iss) callbackUrl.searchParams.set('iss', request.iss);
    let claims: z.infer<typeof IdentityClaims>;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: this.keyring.decrypt(
          attempt.codeVerifierEncrypted,
          `oidc-verifier:${attempt.stateHash}`,
        ),
        expectedState: request.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const parsed = IdentityClaims.safeParse(tokens.claims());
      if (!parsed.success) {
        this.logger.warn(
          { problems: parsed.error.issues.map((issue) => issue.path.join('.')) },
          'OIDC identity refused',
        );
        throw oidcFailed();
      }
      claims = parsed.data;
    } catch (error) {
      if (error instanceof AppError) throw error;
      // The reason (bad state, nonce, PKCE, signature, code) is for the operator only.
      this.logger.warn({ reason: describe(error) }, 'OIDC callback refused');
      throw oidcFailed();
    }

    const user = await this.linkedUser(configuration.serverMetadata().issuer, claims, client);
    if (user.disabledAt) throw oidcFailed();
    return this.login.afterPrimaryFactor(user, client, 'oidc');
  }

  /** Marks the attempt used in the same statement that finds it: a state works once. */
  private async claimAttempt(state: string): Promise<OidcLoginAttempt | undefined> {
    const claimed = await this.dataSource
      .createQueryBuilder()
      .update(OidcLoginAttempt)
      .set({ consumedAt: () => 'now()' })
      .where('state_hash = :hash AND consumed_at IS NULL AND expires_at > now()', {
        hash: hashOpaqueToken(state),
      })
      .returning('*')
      .execute();
    const [row]: unknown[] = Array.isArray(claimed.raw) ? claimed.raw : [];
    const attempt = StoredAttempt.safeParse(row);
    return attempt.success
      ? Object.assign(new OidcLoginAttempt(), {
          stateHash: attempt.data.state_hash,
          nonce: attempt.data.nonce,
          codeVerifierEncrypted: attempt.data.code_verifier_encrypted,
        })
      : undefined;
  }

  /** The user linked to this provider account; else the one with its verified email; else new. */
  private linkedUser(
    issuer: string,
    claims: z.infer<typeof IdentityClaims>,
    client: ClientContext,
  ): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const link = await manager.findOneBy(ExternalIdentity, { issuer, subject: claims.sub });
      if (link) return manager.findOneByOrFail(User, { id: link.userId });
      const user =
        (await this.users.findByEmail(claims.email, manager)) ??
        (await this.users.create(
          manager,
          { email: claims.email, displayName: claims.name ?? claims.email, password: null },
          client.ip,
        ));
      await manager.insert(ExternalIdentity, { issuer, subject: claims.sub, userId: user.id });
      await this.audit.record(manager, {
        type: 'oidc.linked',
        userId: user.id,
        clientIp: client.ip,
        details: { issuer },
      });
      return user;
    });
  }

  private async reachProvider(): Promise<oidc.Configuration> {
    try {
      return await this.provider.configuration();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.logger.warn({ reason: describe(error) }, 'OIDC provider discovery failed');
      throw new AppError(
        'AUTH.OIDC_UNAVAILABLE',
        503,
        'The sign-in provider cannot be reached.',
        undefined,
        30,
      );
    }
  }
}

const StoredAttempt = z.object({
  state_hash: z.string(),
  nonce: z.string(),
  code_verifier_encrypted: z.string(),
});

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  return `${error.name}: ${code}${error.message}`;
}
