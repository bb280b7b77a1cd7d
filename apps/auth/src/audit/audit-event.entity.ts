import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditEventType } from '#atlas/contracts';

export type AuditDetails = Record<string, string | number | boolean | null>;

/** One row of the append-only audit log (a database trigger refuses UPDATE and DELETE). */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text')
  type: AuditEventType;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'session_id', nullable: true })
  sessionId: string | null;

  @Column('text', { name: 'client_ip', nullable: true })
  clientIp: string | null;

  @Column('jsonb')
  details: AuditDetails;
}
