import { Client } from 'pg';

const SAFE_NAME = /^[a-z0-9_]+$/;

/** `serverUrl` with its database replaced by `name`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted(name)}`));
}

/** FORCE closes connections a test forgot to end, which would otherwise block the drop. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`),
  );
}

/** Drops every database whose name starts with `prefix`; returns their names. */
export async function dropDatabasesStartingWith(
  serverUrl: string,
  prefix: string,
): Promise<string[]> {
  const names = await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    return rows.map((row) => row.datname);
  });
  for (const name of names) await dropDatabase(serverUrl, name);
  return names;
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

// CREATE/DROP DATABASE take no bind parameters; names come from testDatabaseName, so this
// only guards against a future caller passing something else.
function quoted(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`Refusing unsafe database name "${name}"`);
  return `"${name}"`;
}
