import { applyDecorators, HttpCode, RequestMapping, RequestMethod } from '@nestjs/common';
import { Public } from '#atlas/http';
import { RequirePermissions } from '#atlas/security';
import { LimitPerClientIp } from '../rate-limit/credential-rate-limit.guard.js';
import type { Access, HttpMethod, Operation } from './operation.js';

const REQUEST_METHODS: Readonly<Record<HttpMethod, RequestMethod>> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/**
 * Makes a handler the route of one table entry: its method and path, its success status, and
 * the metadata the global guards read (`@Public()`, `@RequirePermissions()`,
 * `@LimitPerClientIp()`). Generated and hand-written routes both take it, so neither can serve
 * an operation otherwise than the document describes it. Use it under `@Controller()`: the path
 * is the whole path.
 */
export function OperationRoute(operation: Operation): MethodDecorator {
  const success = Object.keys(operation.responses)
    .map(Number)
    .filter((status) => status >= 200 && status < 300)
    .sort((a, b) => a - b)[0];
  return applyDecorators(
    RequestMapping({ path: operation.path, method: REQUEST_METHODS[operation.method] }),
    ...(success === undefined ? [] : [HttpCode(success)]),
    ...accessDecorators(operation.access),
    ...(operation.limitPerClientIp ? [LimitPerClientIp(operation.limitPerClientIp)] : []),
  );
}

function accessDecorators(access: Access): MethodDecorator[] {
  if (typeof access === 'object') return [RequirePermissions(access.permission)];
  switch (access) {
    case 'public':
    case 'token-optional':
      return [Public()];
    case 'signed-in':
      return [];
    default: {
      const unknown: never = access;
      throw new Error(`unknown access ${String(unknown)}`);
    }
  }
}
