import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';

/** A header set to put on a response as it is: names in lower case, values final. */
export type HeaderSet = Readonly<Record<string, string>>;

/**
 * The headers helmet sets for `options`, worked out once. helmet is written as middleware
 * that parses its options and writes the same headers on every response; `@fastify/helmet`
 * even builds that middleware anew for each request. The set only depends on the options, so
 * Atlas asks helmet once, at start, and copies the result onto each response.
 */
export function helmetHeaders(options: HelmetOptions): HeaderSet {
  // A response that is never sent: helmet writes its headers on it, and they are read back.
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  let failure: unknown;
  helmet(options)(request, response, (error?: unknown) => (failure = error));
  if (failure) throw new Error('helmet refused the security header options', { cause: failure });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.getHeaders())) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

const HSTS = { maxAge: 31_536_000, includeSubDomains: true } as const;

/**
 * Every API answer (JSON, problem+json, metrics): the set OWASP's REST Security Cheat Sheet
 * asks of API responses and nothing meant only for pages. A browser that is tricked into
 * rendering one may neither frame it nor run anything in it; `cache-control: no-store` is the
 * default for a route that says nothing else (the catalog's images, the JWKS say otherwise).
 * Every byte here is on every response: on this 2-core machine, the extra 700 bytes of
 * helmet's page headers cost about 13 µs per response (docs/performance.md).
 */
export const API_SECURITY_HEADERS: HeaderSet = {
  ...helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: HSTS,
    xContentTypeOptions: true,
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }),
  'cache-control': 'no-store',
};

/**
 * Pages (`text/html`, such as Swagger UI at /docs): helmet's full set, with a policy that lets
 * a page load its own scripts, styles and images and nothing from elsewhere.
 */
export const PAGE_SECURITY_HEADERS: HeaderSet = helmetHeaders({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Swagger UI needs inline styles and data: images, nothing else.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      scriptSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  strictTransportSecurity: HSTS,
});
