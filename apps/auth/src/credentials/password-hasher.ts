import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1): deliberately slow,
 * so a stolen table of hashes is expensive to attack.
 */
const ARGON2ID = {
  // No `algorithm`: the package's default is argon2id (its const enum cannot be named under
  // isolatedModules); password-hasher.spec.ts checks the encoded hash says argon2id.
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** A real hash of a random password, verified against when the email is unknown. */
  private decoy = '';

  async onModuleInit(): Promise<void> {
    this.decoy = await hash(crypto.randomUUID(), ARGON2ID);
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  /**
   * Spends the same work as a real verification, so a login for an unknown email takes as
   * long as one with a wrong password and response times do not reveal who has an account.
   */
  async verifyDecoy(password: string): Promise<false> {
    await verify(this.decoy, password);
    return false;
  }
}
