import { Injectable } from '@nestjs/common';
import type { LoginRequest, TokenResponse } from '#atlas/contracts';
import { unauthorized } from '#atlas/http';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password-hasher.js';

@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
  ) {}

  /** Unknown email and wrong password get the same answer after the same amount of work. */
  async login(request: LoginRequest): Promise<TokenResponse> {
    const user = await this.users.findByEmail(request.email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, request.password)
      : await this.hasher.verifyDecoy(request.password);
    if (!user || !valid) {
      throw unauthorized('AUTH.INVALID_CREDENTIALS', 'The email or password is incorrect.');
    }
    return this.sessions.start(user);
  }
}
