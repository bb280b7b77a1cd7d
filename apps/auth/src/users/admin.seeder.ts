import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsersService } from './users.service.js';
import { User } from './user.entity.js';
import { normalizeEmail } from './normalize-email.js';

export const ADMIN_ACCOUNT = Symbol('ADMIN_ACCOUNT');

export interface AdminAccount {
  readonly email: string;
  readonly password: string;
}

/**
 * Development and embedded mode: the first admin comes from ATLAS_ADMIN_EMAIL and
 * ATLAS_ADMIN_PASSWORD (configuration refuses them in production), never from a password
 * written in the code. An existing account keeps its password and gains the admin role.
 */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    @Inject(ADMIN_ACCOUNT) private readonly admin: AdminAccount | undefined,
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.admin) return;
    const admin = this.admin;
    const existing = await this.users.findByEmail(admin.email);
    if (!existing) {
      await this.dataSource.transaction((manager) =>
        this.users.create(
          manager,
          {
            email: admin.email,
            password: admin.password,
            displayName: 'Administrator',
            roles: ['admin', 'customer'],
          },
          null,
        ),
      );
      this.logger.log({ email: normalizeEmail(admin.email) }, 'created the first admin');
      return;
    }
    if (!existing.roles.includes('admin')) {
      await this.dataSource
        .getRepository(User)
        .update({ id: existing.id }, { roles: [...existing.roles, 'admin'] });
      this.logger.log({ userId: existing.id }, 'granted admin to the configured account');
    }
  }
}
