import { z } from 'zod';
import { Role } from '../roles.js';
import { PageQuery, pageOf } from './pagination.js';

/** A user as an admin sees it: never a password hash, an MFA secret or a token. */
export const AdminUserView = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(Role),
  mfaEnabled: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type AdminUserView = z.infer<typeof AdminUserView>;

export const AdminUserList = pageOf(AdminUserView);
export type AdminUserList = z.infer<typeof AdminUserList>;

export const AdminUserQuery = PageQuery.extend({
  q: z.string().trim().max(254).optional().describe('part of an email address'),
});
export type AdminUserQuery = z.infer<typeof AdminUserQuery>;

export const SetRolesRequest = z.strictObject({
  roles: z.array(Role).min(1).max(3),
});
export type SetRolesRequest = z.infer<typeof SetRolesRequest>;

export const SigningKeyStatus = z.enum(['upcoming', 'active', 'retired']);
export type SigningKeyStatus = z.infer<typeof SigningKeyStatus>;

export const SigningKeyView = z.object({
  kid: z.string(),
  algorithm: z.string(),
  createdAt: z.iso.datetime(),
  activatesAt: z.iso.datetime(),
  status: SigningKeyStatus,
});
export type SigningKeyView = z.infer<typeof SigningKeyView>;

export const SigningKeyList = z.object({ items: z.array(SigningKeyView) });
export type SigningKeyList = z.infer<typeof SigningKeyList>;
