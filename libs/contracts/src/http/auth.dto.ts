import { z } from 'zod';
import { Role } from '../roles.js';

/** NIST SP 800-63B: at least 8 characters, long passphrases welcome, no composition rules. */
export const Password = z.string().min(8).max(128);
export const Email = z.email().max(254);

export const RegisterRequest = z.object({
  email: Email,
  password: Password,
  displayName: z.string().trim().min(1).max(100),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.object({
  email: Email,
  password: z.string().min(1).max(128),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

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
