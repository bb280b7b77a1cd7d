/**
 * Reading and rewriting `postgres://` URLs. Log lines and errors show `describeDatabaseUrl`,
 * never the URL itself, because the URL usually carries a password.
 */

/** The database a URL points at (`orders` in `postgres://u@h:5432/orders`). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(parse(url).pathname.replace(/^\//, ''));
  if (!name) {
    throw new Error(
      `The database URL ${describeDatabaseUrl(url)} names no database; ` +
        'end it with /<database>, e.g. postgres://user@host:5432/orders.',
    );
  }
  return name;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = parse(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** `host:port/database`, without user or password: safe for logs and error messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable database URL)';
  }
}

function parse(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(
      'The database URL is not a valid URL; expected postgres://user:password@host:5432/database.',
    );
  }
}
