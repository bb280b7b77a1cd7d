import { z } from 'zod';
import { Role } from '../roles.js';

/**
 * NIST SP 800-63B: at least 8 characters, long passphrases welcome (well past the 64 it asks
 * for), no composition rules. The auth service also refuses common and breached passwords.
 */
export const Password = z.string().min(8).max(128);
export const Email = z.email().max(254);

/** Strict: a field the caller may not set (roles, id) is refused, never applied. */
export const RegisterRequest = z.strictObject({
  email: Email,
  password: Password,
  displayName: z.string().trim().min(1).max(100),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1).max(128),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** The first step of a login when MFA is on: the mfaToken works only at /v1/auth/mfa/verify. */
export const MfaRequiredResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string(),
});
export type MfaRequiredResponse = z.infer<typeof MfaRequiredResponse>;

export const LoginResponse = z.union([TokenResponse, MfaRequiredResponse]);
export type LoginResponse = z.infer<typeof LoginResponse>;

export const RegisteredUser = z.object({
  id: z.uuid(),
  email: z.string(),
  roles: z.array(Role),
});
export type RegisteredUser = z.infer<typeof RegisteredUser>;

export const UserProfile = RegisteredUser.extend({
  displayName: z.string(),
  mfaEnabled: z.boolean(),
});
export type UserProfile = z.infer<typeof UserProfile>;

/** The public keys that verify access tokens (RFC 7517 JWK Set); a verifier picks one by `kid`. */
export const JsonWebKeySet = z.object({
  keys: z.array(
    z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.literal('sig') }),
  ),
});
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;
