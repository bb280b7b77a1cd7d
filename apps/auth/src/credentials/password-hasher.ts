import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1): deliberately slow,
 * so a stolen table of hashes is expensive to attack. Raising these makes every older hash
 * "stale": it is replaced at the user's next successful login (`needsRehash`).
 */
export const ARGON2ID = {
  // No `algorithm`: the package's default is argon2id (its const enum cannot be named under
  // isolatedModules); password-hasher.spec.ts checks the encoded hash says argon2id.
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export type Argon2Parameters = { -readonly [K in keyof typeof ARGON2ID]: number };

/** Other parameters than today's, for tests that need a hash made "before an upgrade". */
export const ARGON2_PARAMETERS = Symbol('ARGON2_PARAMETERS');

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** A real hash of a random password, verified against when the email is unknown. */
  private decoy = '';

  private readonly parameters: Argon2Parameters;

  constructor(@Optional() @Inject(ARGON2_PARAMETERS) parameters?: Argon2Parameters) {
    this.parameters = parameters ?? { ...ARGON2ID };
  }

  async onModuleInit(): Promise<void> {
    this.decoy = await hash(crypto.randomUUID(), this.parameters);
  }

  hash(password: string): Promise<string> {
    return hash(normalize(password), this.parameters);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, normalize(password));
  }

  /** Made with other parameters (or another algorithm) than today's: hash it again. */
  needsRehash(passwordHash: string): boolean {
    const match = PHC.exec(passwordHash);
    if (!match) return true;
    const [, memoryCost, timeCost, parallelism] = match.map(Number);
    return (
      memoryCost !== this.parameters.memoryCost ||
      timeCost !== this.parameters.timeCost ||
      parallelism !== this.parameters.parallelism
    );
  }

  /**
   * Spends the same work as a real verification, so a login for an unknown email takes as
   * long as one with a wrong password and response times do not reveal who has an account.
   */
  async verifyDecoy(password: string): Promise<false> {
    await verify(this.decoy, normalize(password));
    return false;
  }
}

/**
 * NIST SP 800-63B §5.1.1.2: Unicode passwords are normalised (NFKC) before hashing, so the same
 * passphrase typed on two keyboards that encode "é" differently is the same password.
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}
