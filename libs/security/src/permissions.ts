import type { Role } from '#atlas/contracts';

/**
 * What a caller may do, named by resource and action. Routes ask for permissions, never for
 * roles, so what a role means is decided here and nowhere else.
 */
export const PERMISSIONS = [
  'orders:place',
  'orders:read-any',
  'orders:cancel-any',
  'products:write',
  'jobs:read',
  'jobs:read-any',
  'users:read',
  'users:manage',
  'signing-keys:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The one place roles are mapped to permissions (OWASP ASVS V8.1). */
export const PERMISSIONS_BY_ROLE: Readonly<Record<Role, readonly Permission[]>> = {
  customer: ['orders:place'],
  'catalog-manager': ['products:write', 'jobs:read'],
  admin: [
    'orders:read-any',
    'orders:cancel-any',
    'products:write',
    'jobs:read',
    'jobs:read-any',
    'users:read',
    'users:manage',
    'signing-keys:manage',
  ],
};

export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((role) => PERMISSIONS_BY_ROLE[role]));
}

/** For checks inside a handler, e.g. `can(caller, 'orders:read-any') || order.ownerId === caller.id`. */
export function can(caller: { readonly roles: readonly Role[] }, permission: Permission): boolean {
  return permissionsOf(caller.roles).has(permission);
}
