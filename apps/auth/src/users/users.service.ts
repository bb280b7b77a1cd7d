import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newEvent, UserRegistered, type RegisterRequest, type Role } from '#atlas/contracts';
import { conflict } from '#atlas/http';
import { OutboxService } from '#atlas/messaging';
import { isUniqueViolation } from '#atlas/persistence';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { normalizeEmail } from './normalize-email.js';
import { User } from './user.entity.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxService,
  ) {}

  /** New users are customers; roles beyond that are granted, never chosen at sign-up. */
  async register(request: RegisterRequest, roles: Role[] = ['customer']): Promise<User> {
    const passwordHash = await this.hasher.hash(request.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = manager.create(User, {
          id: randomUUID(),
          email: normalizeEmail(request.email),
          displayName: request.displayName,
          passwordHash,
          roles,
        });
        await manager.insert(User, user);
        await this.outbox.enqueue(
          manager,
          UserRegistered,
          newEvent(UserRegistered, { userId: user.id, roles }),
        );
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('AUTH.EMAIL_TAKEN', 'An account with this email already exists.');
      }
      throw error;
    }
  }

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email: normalizeEmail(email) });
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }
}
