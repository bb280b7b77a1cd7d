import {
  AdminUserList,
  AdminUserQuery,
  AdminUserView,
  SetRolesRequest,
  SigningKeyList,
  SigningKeyView,
} from '#atlas/contracts';
import type { RouteTable } from './operation.js';

/** Users and signing keys, for admins: the auth service. */
export const ADMIN_OPERATIONS = {
  listUsers: {
    method: 'GET',
    path: '/v1/admin/users',
    access: { permission: 'users:read' },
    tag: 'admin',
    summary: 'List users, newest first (admin)',
    description: 'Search by part of an email address with `q`.',
    request: { query: AdminUserQuery },
    responses: { 200: { description: 'A page of users', body: AdminUserList } },
    upstream: 'auth',
  },
  setUserRoles: {
    method: 'PATCH',
    path: '/v1/admin/users/:id/roles',
    access: { permission: 'users:manage' },
    tag: 'admin',
    summary: 'Set a user’s roles (admin); the user’s sessions end at once',
    description:
      'Replaces the roles; the user signs in again to get tokens that carry the new ones. ' +
      'Admins cannot remove their own admin role (409).',
    request: { params: { id: 'uuid' }, body: SetRolesRequest },
    responses: { 200: { description: 'The user', body: AdminUserView } },
    problems: [404, 409],
    upstream: 'auth',
  },
  disableUser: {
    method: 'POST',
    path: '/v1/admin/users/:id/disable',
    access: { permission: 'users:manage' },
    tag: 'admin',
    summary: 'Disable an account (admin): no sign-in, its sessions end at once',
    description:
      'The account and its data stay; enable it to let the user back in. Admins cannot ' +
      'disable their own account (409).',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The user', body: AdminUserView } },
    problems: [404, 409],
    upstream: 'auth',
  },
  enableUser: {
    method: 'POST',
    path: '/v1/admin/users/:id/enable',
    access: { permission: 'users:manage' },
    tag: 'admin',
    summary: 'Enable a disabled account again (admin)',
    description: 'The user can sign in again; sessions that ended when it was disabled stay ended.',
    request: { params: { id: 'uuid' } },
    responses: { 200: { description: 'The user', body: AdminUserView } },
    problems: [404],
    upstream: 'auth',
  },
  listSigningKeys: {
    method: 'GET',
    path: '/v1/admin/signing-keys',
    access: { permission: 'signing-keys:manage' },
    tag: 'admin',
    summary: 'The access-token signing keys and their state (admin)',
    description:
      'Upcoming keys are published but do not sign yet; the active key signs; retired keys ' +
      'verify the tokens they signed until those expire.',
    responses: {
      200: { description: 'Upcoming, active and retired keys', body: SigningKeyList },
    },
    upstream: 'auth',
  },
  rotateSigningKey: {
    method: 'POST',
    path: '/v1/admin/signing-keys',
    access: { permission: 'signing-keys:manage' },
    tag: 'admin',
    summary: 'Rotate the signing key (admin)',
    description:
      'The new key is published in the JWKS at once and signs after ' +
      'SIGNING_KEY_ACTIVATION_DELAY_SECONDS; tokens of the old key verify until they expire.',
    responses: { 201: { description: 'The new key', body: SigningKeyView } },
    upstream: 'auth',
  },
} as const satisfies RouteTable;
