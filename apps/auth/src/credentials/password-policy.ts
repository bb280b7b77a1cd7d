import { Injectable } from '@nestjs/common';
import { unprocessable } from '#atlas/http';
import { loadCommonPasswords } from './common-passwords.js';

/** NIST SP 800-63B §3.1.1.2: length is checked by the request schema (8 to 128). */
const MIN_LENGTH = 8;

export interface PasswordContext {
  readonly email: string;
  readonly displayName?: string;
}

/**
 * What NIST SP 800-63B asks of a new password beyond its length: not a known common or
 * breached password, not derived from the account itself, and no composition rules (no
 * "one digit, one symbol"), which only push people towards predictable passwords.
 */
@Injectable()
export class PasswordPolicy {
  private readonly common = loadCommonPasswords(MIN_LENGTH);

  assertAcceptable(password: string, context: PasswordContext): void {
    const candidate = password.normalize('NFKC').toLowerCase();
    if (this.common.has(candidate) || this.common.has(candidate.trim())) {
      throw unprocessable(
        'AUTH.PASSWORD_TOO_COMMON',
        'This password is on a list of common or breached passwords; choose another, ' +
          'for example a few unrelated words.',
      );
    }
    // Letters only, so "annlee2024!" is caught as "ann.lee" with decorations.
    const letters = (text: string) => text.toLowerCase().replaceAll(/[^\p{L}]/gu, '');
    const [localPart = ''] = context.email.split('@');
    const personal = [context.email, localPart, context.displayName ?? '', 'atlas']
      .map(letters)
      .filter((word) => word.length >= 4);
    if (personal.includes(letters(candidate))) {
      throw unprocessable(
        'AUTH.PASSWORD_TOO_PERSONAL',
        'This password is derived from your account details; choose another.',
      );
    }
  }
}
