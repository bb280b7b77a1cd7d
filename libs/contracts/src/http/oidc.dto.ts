import { z } from 'zod';

/** Where to send the browser, and the state it must come back with (check it client-side too). */
export const OidcAuthorizeResponse = z.object({
  authorizationUrl: z.url(),
  state: z.string(),
});
export type OidcAuthorizeResponse = z.infer<typeof OidcAuthorizeResponse>;

/** The parameters the provider put on the redirect URI (`iss` per RFC 9207, when it sends one). */
export const OidcCallbackRequest = z.strictObject({
  code: z.string().min(1).max(2048),
  state: z.string().min(1).max(512),
  iss: z.string().max(2048).optional(),
});
export type OidcCallbackRequest = z.infer<typeof OidcCallbackRequest>;
