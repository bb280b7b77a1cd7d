import { describe, expect, it } from '@jest/globals';
import { PasswordPolicy } from './password-policy.js';

describe('PasswordPolicy (NIST SP 800-63B)', () => {
  const policy = new PasswordPolicy();
  const ann = { email: 'ann.lee@example.com', displayName: 'Ann Lee' };

  it.each(['password', 'PASSWORD1', 'iloveyou', 'qwertyuiop', '12345678', 'baseball'])(
    'refuses the common or breached password %s',
    (password) => {
      expect(() => policy.assertAcceptable(password, ann)).toThrow(
        expect.objectContaining({ code: 'AUTH.PASSWORD_TOO_COMMON', status: 422 }),
      );
    },
  );

  it('refuses passwords made of the account itself', () => {
    for (const password of ['ann.lee@example.com', 'ann.lee', 'annlee2024!', 'atlas123']) {
      expect(() => policy.assertAcceptable(password, ann)).toThrow(
        expect.objectContaining({ code: 'AUTH.PASSWORD_TOO_PERSONAL' }),
      );
    }
  });

  it('accepts long passphrases with no composition rules, 64 characters and more', () => {
    expect(() => policy.assertAcceptable('correct horse battery staple', ann)).not.toThrow();
    expect(() => policy.assertAcceptable('all lower case words only here', ann)).not.toThrow();
    expect(() =>
      policy.assertAcceptable('x'.repeat(20) + ' '.repeat(4) + 'y'.repeat(40), ann),
    ).not.toThrow();
    expect(() => policy.assertAcceptable('ünïcödé pässphrase 🗝 with emoji', ann)).not.toThrow();
  });
});
