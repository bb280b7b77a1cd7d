import { afterAll, beforeAll, describe } from '@jest/globals';
import { abuseCases } from './abuse.cases.js';
import { auditCases } from './audit.cases.js';
import { authorizationCases } from './authorization.cases.js';
import { credentialCases } from './credentials.cases.js';
import { failClosedCases } from './fail-closed.cases.js';
import { keyRotationCases } from './key-rotation.cases.js';
import { logCases } from './logs.cases.js';
import { mfaCases } from './mfa.cases.js';
import { oidcCases } from './oidc.cases.js';
import { sessionCases } from './sessions.cases.js';
import { startSecurityPlatform, type SecurityPlatform } from './support/security-platform.js';
import { tokenAttackCases } from './token-attacks.cases.js';

/**
 * Issue #3's security suite: attacks on the public API, through the gateway, against the
 * distributed platform on real PostgreSQL, Kafka and Redis, with a real OpenID Connect
 * provider. The describe blocks run in order; the Redis outage and the log scan come last.
 */
describe('security (distributed platform, real infrastructure)', () => {
  let running: SecurityPlatform | undefined;
  const platform = () => {
    if (!running) throw new Error('the platform did not start');
    return running;
  };

  beforeAll(async () => {
    running = await startSecurityPlatform();
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
  });

  describe('forged and misused access tokens', () => {
    tokenAttackCases(platform);
  });
  describe('credentials', () => {
    credentialCases(platform);
  });
  describe('sessions', () => {
    sessionCases(platform);
  });
  describe('authorization', () => {
    authorizationCases(platform);
  });
  describe('multi-factor authentication', () => {
    mfaCases(platform);
  });
  describe('abuse limits', () => {
    abuseCases(platform);
  });
  describe('signing key rotation', () => {
    keyRotationCases(platform);
  });
  describe('OpenID Connect sign-in', () => {
    oidcCases(platform);
  });
  describe('audit log', () => {
    auditCases(platform);
  });
  describe('fail closed', () => {
    failClosedCases(platform);
  });
  describe('logs', () => {
    logCases(platform);
  });
});
