import { describe, expect, it } from '@jest/globals';
import { ROLES, type Role } from '#atlas/contracts';
import { can, PERMISSIONS, permissionsOf, type Permission } from './permissions.js';

/**
 * Who may do what, written out by hand: changing PERMISSIONS_BY_ROLE (or adding a role or a
 * permission) fails this test until the matrix below says the same, so every change to what a
 * role means shows up as a change here, in review.
 */
const MATRIX: Record<Permission, Record<Role, boolean>> = {
  'orders:place': { customer: true, 'catalog-manager': false, admin: false },
  'orders:read-any': { customer: false, 'catalog-manager': false, admin: true },
  'orders:cancel-any': { customer: false, 'catalog-manager': false, admin: true },
  'products:write': { customer: false, 'catalog-manager': true, admin: true },
  'jobs:read': { customer: false, 'catalog-manager': true, admin: true },
  'jobs:read-any': { customer: false, 'catalog-manager': false, admin: true },
  'users:read': { customer: false, 'catalog-manager': false, admin: true },
  'users:manage': { customer: false, 'catalog-manager': false, admin: true },
  'signing-keys:manage': { customer: false, 'catalog-manager': false, admin: true },
};

describe('the role → permission table', () => {
  it('has a row of the matrix for every permission and a column for every role', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...PERMISSIONS].sort());
    for (const row of Object.values(MATRIX)) {
      expect(Object.keys(row).sort()).toEqual([...ROLES].sort());
    }
  });

  const cells = PERMISSIONS.flatMap((permission) =>
    ROLES.map((role) => {
      const allowed = MATRIX[permission][role];
      return { role, permission, allowed, verdict: allowed ? 'granted' : 'refused' };
    }),
  );

  it.each(cells)('$role is $verdict $permission', ({ role, permission, allowed }) => {
    expect(can({ roles: [role] }, permission)).toBe(allowed);
  });

  it('grants a caller with several roles what any one of them grants, and nothing more', () => {
    const granted = permissionsOf(['customer', 'catalog-manager']);
    expect([...granted].sort()).toEqual(['jobs:read', 'orders:place', 'products:write']);
  });

  it('grants nothing to a caller without roles', () => {
    expect(permissionsOf([]).size).toBe(0);
    expect(PERMISSIONS.some((permission) => can({ roles: [] }, permission))).toBe(false);
  });
});
