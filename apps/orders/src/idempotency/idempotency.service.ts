import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { unprocessable } from '#atlas/http';
import { IdempotencyKey } from './idempotency-key.entity.js';

export type Claim<Response> = { kind: 'new' } | { kind: 'replay'; response: Response };

/**
 * Makes a request safe to retry. The key is claimed by inserting it in the same transaction
 * that does the work: a concurrent duplicate blocks on the primary key until the first commits,
 * then sees its stored answer. The same key with a different body is a client bug: 422.
 */
@Injectable()
export class IdempotencyService {
  async claim<Response>(
    manager: EntityManager,
    customerId: string,
    key: string,
    request: unknown,
    response: z.ZodType<Response>,
  ): Promise<Claim<Response>> {
    const requestHash = fingerprint(request);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(IdempotencyKey)
      .values({ customerId, key, requestHash })
      .orIgnore()
      .returning(['key'])
      .execute();
    const raw: unknown = inserted.raw;
    if (Array.isArray(raw) && raw.length > 0) return { kind: 'new' };

    const existing = await manager.findOneByOrFail(IdempotencyKey, { customerId, key });
    if (existing.requestHash !== requestHash) {
      throw unprocessable(
        'ORDERS.IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request body.',
      );
    }
    // Stored JSON from an earlier request: checked against the response contract on the way out.
    return { kind: 'replay', response: response.parse(existing.response) };
  }

  async complete(manager: EntityManager, customerId: string, key: string, response: object) {
    await manager.update(IdempotencyKey, { customerId, key }, { response });
  }
}

/** Order-insensitive for object keys, so `{a,b}` and `{b,a}` are the same request. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
