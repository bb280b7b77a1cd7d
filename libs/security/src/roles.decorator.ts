import { SetMetadata } from '@nestjs/common';
import type { Role } from '#atlas/contracts';

export const REQUIRED_ROLES = 'atlas:roles';

/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
