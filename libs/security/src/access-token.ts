import { z } from 'zod';
import { Role } from '#atlas/contracts';

/**
 * What makes a JWT an Atlas access token. The verifier pins all of it (RFC 8725): one
 * asymmetric algorithm, the RFC 9068 `at+jwt` type (so a token minted for another purpose is
 * refused here), and the claims below.
 */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export const AccessTokenClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.uuid(),
  sid: z.uuid(),
  jti: z.uuid(),
  roles: z.array(Role),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** The caller, as guards and handlers see it after the token was verified. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly sessionId: string;
  readonly tokenId: string;
}
