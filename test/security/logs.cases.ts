import { expect, it } from '@jest/globals';
import type { SecurityPlatform } from './support/security-platform.js';

/** Item 8's other half: no secret in any log line. Runs last, over everything logged. */
export function logCases(platform: () => SecurityPlatform): void {
  it('never wrote a password, secret, code or token to any log line of any service', () => {
    const output = platform().output.join('\n');
    // The capture works and holds what it should: debug lines, requests, audit events.
    expect(output).toContain('"level":"debug"');
    expect(output).toContain('audit: login.failed');
    expect(output).toContain('"route":"/v1/auth/login"');
    expect(platform().secrets.size).toBeGreaterThan(100);
    expect(platform().secrets.foundIn(output)).toEqual([]);
    expect(output).not.toMatch(/\$argon2id\$/);
    expect(output).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  });
}
