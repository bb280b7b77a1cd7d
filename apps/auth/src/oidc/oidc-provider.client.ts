import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { notFound } from '#atlas/http';
import type { OidcSettings } from '../auth.config.js';

export const OIDC_SETTINGS = Symbol('OIDC_SETTINGS');

/**
 * The configured OpenID Connect provider, discovered lazily (a provider that is down must not
 * stop auth from starting) and then kept. openid-client does the protocol: PKCE, state, nonce,
 * issuer (RFC 9207) and ID token checks; non-repudiation checks are turned on so the ID token's
 * signature is verified against the provider's JWKS, not only trusted because of TLS.
 */
@Injectable()
export class OidcProviderClient {
  private discovered?: Promise<oidc.Configuration>;

  constructor(@Inject(OIDC_SETTINGS) private readonly settings: OidcSettings | undefined) {}

  get redirectUri(): string {
    return this.configured().redirectUri;
  }

  configuration(): Promise<oidc.Configuration> {
    const settings = this.configured();
    this.discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        { client_secret: settings.clientSecret, id_token_signed_response_alg: 'RS256' },
        oidc.ClientSecretBasic(settings.clientSecret),
        {
          // Plain http is refused in production by the configuration; allowed for local work.
          execute: [
            ...(settings.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : []),
            oidc.enableNonRepudiationChecks,
          ],
        },
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  private configured(): OidcSettings {
    if (!this.settings) {
      throw notFound(
        'AUTH.OIDC_NOT_CONFIGURED',
        'Sign-in with an external provider is not set up.',
      );
    }
    return this.settings;
  }
}
