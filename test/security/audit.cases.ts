import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  AuthAuditRecorded,
  MfaRequiredResponse,
  RecoveryCodesResponse,
  TokenResponse,
  TotpSetupResponse,
} from '#atlas/contracts';
import { adminTokens } from './support/admin.js';
import { poll } from './support/poll.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';
import { currentStep, totpCodeFor } from './support/totp-codes.js';

/** Item 8: the append-only audit log, published as auth.audit.v1, free of secrets. */
export function auditCases(platform: () => SecurityPlatform): void {
  let userId = '';

  it('records every security event in the audit table and publishes each as auth.audit.v1', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    userId = user.id;
    await client.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'wrong one' },
    });

    const refreshed = TokenResponse.parse(
      (
        await client.request('POST', '/v1/auth/refresh', {
          body: { refreshToken: user.tokens.refreshToken },
        })
      ).body,
    );
    await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: user.tokens.refreshToken },
    });

    const session = await client.tokens(user.email, user.password);
    const { secret } = TotpSetupResponse.parse(
      (await client.request('POST', '/v1/auth/mfa/totp/setup', { token: session.accessToken }))
        .body,
    );
    const { recoveryCodes } = RecoveryCodesResponse.parse(
      (
        await client.request('POST', '/v1/auth/mfa/totp/enable', {
          token: session.accessToken,
          body: { code: await totpCodeFor(secret, currentStep()) },
        })
      ).body,
    );
    const [first = '', second = ''] = recoveryCodes;
    const mfaToken = MfaRequiredResponse.parse(
      await client.login(user.email, user.password),
    ).mfaToken;
    const viaRecovery = TokenResponse.parse(
      (await client.request('POST', '/v1/auth/mfa/verify', { body: { mfaToken, code: first } }))
        .body,
    );
    await client.request('POST', '/v1/auth/mfa/totp/disable', {
      token: viaRecovery.accessToken,
      body: { code: second },
    });
    await client.request('POST', '/v1/auth/logout', {
      token: viaRecovery.accessToken,
      body: { refreshToken: viaRecovery.refreshToken },
    });
    const admin = await adminTokens(platform());
    await client.request('PATCH', `/v1/admin/users/${user.id}/roles`, {
      token: admin.accessToken,
      body: { roles: ['customer', 'catalog-manager'] },
    });
    expect(refreshed.tokenType).toBe('Bearer');

    const expected = [
      'user.registered',
      'login.succeeded',
      'login.failed',
      'refresh.reuse-detected',
      'mfa.enabled',
      'login.mfa-required',
      'mfa.recovery-code-used',
      'mfa.disabled',
      'logout',
      'roles.changed',
    ];
    const db = await platform().authDatabase();
    try {
      const { rows } = await db.query<{ type: string }>(
        'SELECT type FROM audit_events WHERE user_id = $1 ORDER BY occurred_at',
        [user.id],
      );
      expect(new Set(rows.map((row) => row.type))).toEqual(new Set(expected));
    } finally {
      await db.end();
    }

    const published = await publishedAuditEvents(platform(), (events) =>
      expected.every((type) =>
        events.some((event) => event.userId === user.id && event.type === type),
      ),
    );
    const mine = published.filter((event) => event.userId === user.id);
    expect(new Set(mine.map((event) => event.type))).toEqual(new Set(expected));
    expect(mine.find((event) => event.type === 'roles.changed')?.details).toMatchObject({
      from: 'customer',
      to: 'catalog-manager,customer',
    });
  });

  it('refuses to update, delete or truncate audit records, whoever asks', async () => {
    const db = await platform().authDatabase();
    try {
      await expect(
        db.query(`UPDATE audit_events SET type = 'login.succeeded' WHERE user_id = $1`, [userId]),
      ).rejects.toThrow(/append-only: UPDATE/);
      await expect(
        db.query('DELETE FROM audit_events WHERE user_id = $1', [userId]),
      ).rejects.toThrow(/append-only: DELETE/);
      await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/);
      const { rows } = await db.query('SELECT 1 FROM audit_events WHERE user_id = $1', [userId]);
      expect(rows.length).toBeGreaterThan(5);
    } finally {
      await db.end();
    }
  });

  it('keeps passwords, secrets, codes and tokens out of the audit table and its events', async () => {
    const db = await platform().authDatabase();
    try {
      const { rows } = await db.query<{ row: string }>(
        'SELECT row_to_json(a)::text AS row FROM audit_events a',
      );
      const table = rows.map((row) => row.row).join('\n');
      expect(table).toContain(userId);
      expect(platform().secrets.foundIn(table)).toEqual([]);
    } finally {
      await db.end();
    }
    const events = JSON.stringify(await publishedAuditEvents(platform(), (all) => all.length > 0));
    expect(events).toContain(userId);
    expect(platform().secrets.foundIn(events)).toEqual([]);
  });
}

type AuditEvent = ReturnType<typeof AuthAuditRecorded.schema.parse>;

/** Reads the audit topic from the start until `enough` says so (or 30 s pass). */
async function publishedAuditEvents(
  platform: SecurityPlatform,
  enough: (events: AuditEvent[]) => boolean,
): Promise<AuditEvent[]> {
  const kafka = new Kafka({ brokers: [...platform.kafka.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `security-suite-${randomUUID()}` });
  const events: AuditEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({
      topic: `${platform.kafka.namespace}.${AuthAuditRecorded.topic}`,
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push(AuthAuditRecorded.schema.parse(JSON.parse(message.value?.toString() ?? '{}')));
      },
    });
    await poll(async () => events, enough, { timeoutMs: 30_000, intervalMs: 200 });
  } finally {
    await consumer.disconnect();
  }
  return events;
}
