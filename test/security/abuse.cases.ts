import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Problem } from '#atlas/contracts';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';
import { withoutTrace } from './sessions.cases.js';

/** Item 6: per-account back-off and per-client-IP limits, answered 429 with Retry-After. */
export function abuseCases(platform: () => SecurityPlatform): void {
  /** Each attempt from another address, so only the per-account limit can be what stops it. */
  const fromAnywhere = () => new SuiteClient(platform());

  async function failFiveTimes(email: string): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const answer = await fromAnywhere().request('POST', '/v1/auth/login', {
        body: { email, password: `guess number ${attempt}` },
      });
      expect({ attempt, status: answer.status }).toEqual({ attempt, status: 401 });
    }
  }

  it('slows an account down after five failures in a row: 429 with Retry-After, right password or not', async () => {
    const user = await fromAnywhere().register();
    await failFiveTimes(user.email);
    const blocked = await fromAnywhere().request('POST', '/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(blocked.status).toBe(429);
    expect(Problem.parse(blocked.body).code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15);
  });

  it('throttles an unknown email exactly as it throttles a known one', async () => {
    const known = (await fromAnywhere().register()).email;
    const unknown = `nobody-${randomUUID()}@example.com`;
    await failFiveTimes(known);
    await failFiveTimes(unknown);
    const answers = await Promise.all(
      [known, unknown].map((email) =>
        fromAnywhere().request('POST', '/v1/auth/login', {
          body: { email, password: 'one more guess' },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([429, 429]);
    const [first, second] = answers.map((answer) => withoutTrace(answer.body));
    expect(first).toEqual(second);
  });

  it('limits each client IP on the credential routes, shared through Redis', async () => {
    const client = new SuiteClient(platform());
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      const answer = await client.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: `not-a-token-${attempt}` },
      });
      expect({ attempt, status: answer.status }).toEqual({ attempt, status: 401 });
    }
    const limited = await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: 'one-too-many' },
    });
    expect(limited.status).toBe(429);
    expect(Problem.parse(limited.body).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const neighbour = await new SuiteClient(platform()).request('POST', '/v1/auth/refresh', {
      body: { refreshToken: 'not-a-token' },
    });
    expect(neighbour.status).toBe(401);
  });

  it('shares the per-IP limit between gateway replicas (Redis), so adding one does not double it', async () => {
    const replica = await platform().startGatewayReplica();
    try {
      const first = new SuiteClient(platform());
      const second = new SuiteClient(platform(), first.ip, replica.url);
      // 30 attempts a minute per address and route, half through each replica.
      for (let attempt = 1; attempt <= 30; attempt += 1) {
        const through = attempt % 2 === 0 ? first : second;
        const answer = await through.request('POST', '/v1/auth/refresh', {
          body: { refreshToken: `not-a-token-${attempt}` },
        });
        expect({ attempt, status: answer.status }).toEqual({ attempt, status: 401 });
      }
      for (const through of [first, second]) {
        const limited = await through.request('POST', '/v1/auth/refresh', {
          body: { refreshToken: 'one-too-many' },
        });
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await replica.stop();
    }
  });

  it('limits password guessing per client IP across many accounts', async () => {
    const client = new SuiteClient(platform());
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      const answer = await client.request('POST', '/v1/auth/login', {
        body: { email: `spray-${randomUUID()}@example.com`, password: 'Summer2024!' },
      });
      expect({ attempt, status: answer.status }).toEqual({ attempt, status: 401 });
    }
    const limited = await client.request('POST', '/v1/auth/login', {
      body: { email: `spray-${randomUUID()}@example.com`, password: 'Summer2024!' },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('limits registrations per email address', async () => {
    const email = `signup-${randomUUID()}@example.com`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const answer = await fromAnywhere().request('POST', '/v1/auth/register', {
        body: { email, password: platform().secrets.add(`pw ${randomUUID()}`), displayName: 'Sam' },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([201, 409, 409, 429]);
  });
}
