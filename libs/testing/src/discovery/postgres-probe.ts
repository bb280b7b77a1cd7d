import { Client } from 'pg';
import type { Answer } from './discover.js';

export async function probePostgres(url: string): Promise<Answer> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      address: url,
      version: `PostgreSQL ${rows[0]?.server_version ?? '(unknown version)'}`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
