import {
  ChangePasswordRequest,
  JsonWebKeySet,
  LoginRequest,
  LoginResponse,
  MfaVerifyRequest,
  OidcAuthorizeResponse,
  OidcCallbackRequest,
  RecoveryCodesResponse,
  RefreshRequest,
  RegisteredUser,
  RegisterRequest,
  TokenResponse,
  TotpCodeRequest,
  TotpSetupResponse,
  UserProfile,
} from '#atlas/contracts';
import type { RouteTable } from './operation.js';

/** Accounts, sessions, MFA and sign-in with the OpenID Connect provider: the auth service. */
export const AUTH_OPERATIONS = {
  register: {
    method: 'POST',
    path: '/v1/auth/register',
    access: 'public',
    limitPerClientIp: 'register',
    tag: 'auth',
    summary: 'Create an account (role customer)',
    description:
      'Passwords: 8 to 128 characters, no composition rules, not a common or breached ' +
      'password (422 AUTH.PASSWORD_TOO_COMMON). Also limited per email address.',
    request: { body: RegisterRequest },
    responses: { 201: { description: 'The new account', body: RegisteredUser } },
    problems: [409, 422],
    upstream: 'auth',
  },
  login: {
    method: 'POST',
    path: '/v1/auth/login',
    access: 'public',
    limitPerClientIp: 'login',
    tag: 'auth',
    summary: 'Exchange email and password for tokens',
    description:
      'With MFA on, the answer is `{ mfaRequired: true, mfaToken }`: send the token and a ' +
      'code to /v1/auth/mfa/verify. Repeated failures on one account make it wait (429 with ' +
      'Retry-After), growing from 15 s after the fifth to 15 min.',
    request: { body: LoginRequest },
    responses: { 200: { description: 'Tokens, or an MFA challenge', body: LoginResponse } },
    problems: [401],
    upstream: 'auth',
  },
  refresh: {
    method: 'POST',
    path: '/v1/auth/refresh',
    access: 'public',
    limitPerClientIp: 'refresh',
    tag: 'auth',
    summary: 'Rotate a refresh token; reusing an old one ends the session',
    description:
      'Each refresh token works once and answers a new pair. Presenting one that was already ' +
      'used revokes its whole family: whoever stole it and the rightful client are both signed out.',
    request: { body: RefreshRequest },
    responses: { 200: { description: 'A new token pair', body: TokenResponse } },
    problems: [401],
    upstream: 'auth',
  },
  logout: {
    method: 'POST',
    path: '/v1/auth/logout',
    access: 'signed-in',
    tag: 'auth',
    summary: 'End this session: its refresh token and its access tokens stop working at once',
    description:
      'Send the session’s refresh token. Other sessions of the account (other devices) go on.',
    request: { body: RefreshRequest },
    responses: { 204: { description: 'Logged out' } },
    upstream: 'auth',
  },
  changePassword: {
    method: 'POST',
    path: '/v1/auth/password',
    access: 'signed-in',
    tag: 'auth',
    summary: 'Change the password; every other session of the account ends',
    description:
      'Needs the current password. The new one follows the same rules as at registration ' +
      '(422 when it is common or breached).',
    request: { body: ChangePasswordRequest },
    responses: { 204: { description: 'Changed' } },
    problems: [422],
    upstream: 'auth',
  },
  me: {
    method: 'GET',
    path: '/v1/auth/me',
    access: 'signed-in',
    tag: 'auth',
    summary: 'The caller’s profile',
    description: 'The account the access token belongs to: its roles and whether MFA is on.',
    responses: { 200: { description: 'Profile', body: UserProfile } },
    upstream: 'auth',
  },
  jwks: {
    method: 'GET',
    path: '/.well-known/jwks.json',
    access: 'public',
    tag: 'auth',
    summary: 'Public keys that verify Atlas access tokens (RFC 7517)',
    description:
      'Every key that signs now, will sign soon, or signed tokens that have not expired yet. ' +
      'Cacheable for five minutes; a verifier that meets an unknown `kid` fetches it again.',
    responses: { 200: { description: 'The JWK Set', body: JsonWebKeySet } },
    upstream: 'auth',
  },
  mfaVerify: {
    method: 'POST',
    path: '/v1/auth/mfa/verify',
    access: 'public',
    limitPerClientIp: 'mfa-verify',
    tag: 'auth',
    summary: 'Second step of a login: the mfaToken and a TOTP or recovery code',
    description:
      'An mfaToken lasts 5 minutes, takes 5 wrong codes, and works here only. A TOTP code is ' +
      'accepted once; a recovery code once ever.',
    request: { body: MfaVerifyRequest },
    responses: { 200: { description: 'Access and refresh tokens', body: TokenResponse } },
    problems: [401],
    upstream: 'auth',
  },
  totpSetup: {
    method: 'POST',
    path: '/v1/auth/mfa/totp/setup',
    access: 'signed-in',
    tag: 'auth',
    summary: 'Start TOTP: a new secret, pending until enabled with a code',
    description:
      'Show the otpauth:// URL as a QR code for an authenticator app, then confirm with ' +
      '/v1/auth/mfa/totp/enable. 409 when TOTP is already on.',
    responses: {
      200: {
        description: 'The secret and its otpauth:// URL (show as a QR code)',
        body: TotpSetupResponse,
      },
    },
    problems: [409],
    upstream: 'auth',
  },
  totpEnable: {
    method: 'POST',
    path: '/v1/auth/mfa/totp/enable',
    access: 'signed-in',
    tag: 'auth',
    summary: 'Turn TOTP on with a current code; other sessions end',
    description: 'Answers ten single-use recovery codes, shown this once.',
    request: { body: TotpCodeRequest },
    responses: { 200: { description: 'Recovery codes', body: RecoveryCodesResponse } },
    problems: [409, 422],
    upstream: 'auth',
  },
  totpDisable: {
    method: 'POST',
    path: '/v1/auth/mfa/totp/disable',
    access: 'signed-in',
    tag: 'auth',
    summary: 'Turn TOTP off with a current or recovery code; other sessions end',
    description:
      'Sign-in then takes the password alone again, and the recovery codes stop working.',
    request: { body: TotpCodeRequest },
    responses: { 204: { description: 'MFA is off' } },
    problems: [409, 422],
    upstream: 'auth',
  },
  oidcAuthorize: {
    method: 'POST',
    path: '/v1/auth/oidc/authorize',
    access: 'public',
    limitPerClientIp: 'oidc',
    tag: 'auth',
    summary: 'Start signing in with the OpenID Connect provider (authorization code + PKCE)',
    description:
      'Send the browser to authorizationUrl. Keep state; when the provider redirects back, ' +
      'check it matches before calling /v1/auth/oidc/callback. 404 when no provider is set up.',
    responses: { 200: { description: 'Where to send the browser', body: OidcAuthorizeResponse } },
    problems: [404],
    upstream: 'auth',
  },
  oidcCallback: {
    method: 'POST',
    path: '/v1/auth/oidc/callback',
    access: 'public',
    limitPerClientIp: 'oidc',
    tag: 'auth',
    summary: 'Finish signing in with the provider',
    description:
      'The code, state and iss from the redirect. Links to the account with the same email ' +
      'only if the provider says it is verified; with MFA on, answers an MFA challenge.',
    request: { body: OidcCallbackRequest },
    responses: { 200: { description: 'Tokens, or an MFA challenge', body: LoginResponse } },
    problems: [401, 404],
    upstream: 'auth',
  },
} as const satisfies RouteTable;
