import { z } from 'zod';
import { defineEvent } from './event-contract.js';

/** Every security-relevant fact the auth service records (OWASP ASVS V16). */
export const AUDIT_EVENT_TYPES = [
  'user.registered',
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'login.mfa-required',
  'mfa.verify-failed',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.recovery-code-used',
  'refresh.reuse-detected',
  'logout',
  'password.changed',
  'roles.changed',
  'account.disabled',
  'account.enabled',
  'signing-key.rotated',
  'oidc.linked',
] as const;
export const AuditEventType = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof AuditEventType>;

/**
 * One audit record, as appended to the auth service's audit table. It never carries a
 * password, a secret or a token; an unknown account is named by a hash of its email, since
 * people type passwords into the email field.
 */
export const AuthAuditRecorded = defineEvent({
  name: 'AuthAuditRecorded',
  topic: 'auth.audit.v1',
  shape: {
    auditId: z.uuid(),
    type: AuditEventType,
    /** Who acted (an admin changing roles); the user themselves otherwise. */
    actorId: z.uuid().nullable(),
    /** The account concerned, when it is known. */
    userId: z.uuid().nullable(),
    sessionId: z.uuid().nullable(),
    clientIp: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  },
  key: (event) => event.userId ?? event.auditId,
});
