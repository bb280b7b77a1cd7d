import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '#atlas/http';
import type { AuthenticatedUser } from './access-token.js';
import { REQUIRED_PERMISSIONS } from './permissions.decorator.js';
import { permissionsOf, type Permission } from './permissions.js';

/** Global: a route marked `@RequirePermissions(...)` needs all of them, granted by the roles. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(
      REQUIRED_PERMISSIONS,
      [context.getHandler(), context.getClass()],
    );
    if (!required?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    const granted = permissionsOf(user?.roles ?? []);
    if (required.every((permission) => granted.has(permission))) return true;
    throw forbidden('AUTH.FORBIDDEN', 'Your roles do not allow this.');
  }
}
