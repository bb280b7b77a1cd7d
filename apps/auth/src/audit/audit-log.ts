import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuthAuditRecorded, newEvent, type AuditEventType } from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import { AuditEvent, type AuditDetails } from './audit-event.entity.js';

export interface AuditEntry {
  readonly type: AuditEventType;
  readonly userId?: string | null;
  /** Who did it, when not the user themselves (an admin). */
  readonly actorId?: string | null;
  readonly sessionId?: string | null;
  readonly clientIp?: string | null;
  /** Facts only: never a password, a secret, a code or a token. */
  readonly details?: AuditDetails;
}

/**
 * The security audit trail (OWASP ASVS V16): each entry is appended to `audit_events`, which
 * the database keeps append-only, published as `auth.audit.v1` through the outbox in the same
 * transaction, and written as one log line for whoever tails the logs.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Inside the transaction of the change it describes: both commit, or neither. */
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const event = manager.create(AuditEvent, {
      id: randomUUID(),
      occurredAt: new Date(),
      type: entry.type,
      actorId: entry.actorId ?? null,
      userId: entry.userId ?? null,
      sessionId: entry.sessionId ?? null,
      clientIp: entry.clientIp ?? null,
      details: entry.details ?? {},
    });
    await manager.insert(AuditEvent, event);
    await this.outbox.enqueue(
      manager,
      AuthAuditRecorded,
      newEvent(
        AuthAuditRecorded,
        {
          auditId: event.id,
          type: event.type,
          actorId: event.actorId,
          userId: event.userId,
          sessionId: event.sessionId,
          clientIp: event.clientIp,
          details: event.details,
        },
        event.occurredAt,
      ),
    );
    this.logger.log(
      {
        audit: event.type,
        auditId: event.id,
        userId: event.userId,
        actorId: event.actorId,
        sessionId: event.sessionId,
        clientIp: event.clientIp,
        ...event.details,
      },
      `audit: ${event.type}`,
    );
  }

  /** For a fact that changes nothing else (a failed login): a transaction of its own. */
  recordAlone(entry: AuditEntry): Promise<void> {
    return this.dataSource.transaction((manager) => this.record(manager, entry));
  }
}

/**
 * Names an account that may not exist without writing what was typed: people type passwords
 * into the email field, and that must not end up in the audit log or the logs.
 */
export function emailFingerprint(normalizedEmail: string): string {
  return createHash('sha256').update(normalizedEmail).digest('hex').slice(0, 16);
}
