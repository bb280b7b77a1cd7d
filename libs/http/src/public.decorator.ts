import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'atlas:public';

/**
 * Marks a route as reachable without an access token. Every other route requires one:
 * the authentication guard is global, so forgetting a decorator fails closed.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
