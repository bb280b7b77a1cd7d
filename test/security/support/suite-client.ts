import { randomUUID } from 'node:crypto';
import { AtlasClient, type HttpResult } from '#atlas/client';
import { LoginResponse, RegisteredUser, TokenResponse } from '#atlas/contracts';
import type { SecurityPlatform } from './security-platform.js';

let clients = 0;

/** A client address of its own for each test (198.18.0.0/15 is reserved for benchmarks). */
export function freshClientIp(): string {
  clients += 1;
  return `198.18.${Math.floor(clients / 250)}.${(clients % 250) + 1}`;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface SuiteUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly tokens: TokenResponse;
}

/**
 * One client of the public API, at an address of its own (sent as X-Forwarded-For, which the
 * gateway trusts from this machine). Every token, secret or code it receives is added to the
 * suite's ledger, so the final test can prove none of them was ever logged.
 */
export class SuiteClient {
  private readonly http: AtlasClient;

  constructor(
    private readonly platform: SecurityPlatform,
    readonly ip: string = freshClientIp(),
    baseUrl: string = platform.gatewayUrl,
  ) {
    this.http = new AtlasClient(baseUrl);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const result = await this.http.request(method, path, {
      ...(options.token ? { token: options.token } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
      headers: { 'x-forwarded-for': this.ip, ...options.headers },
    });
    this.remember(result.body);
    return result;
  }

  async register(
    email = `user-${randomUUID()}@example.com`,
  ): Promise<{ id: string; email: string; password: string }> {
    const password = this.platform.secrets.add(`pw ${randomUUID()}`);
    const result = await this.request('POST', '/v1/auth/register', {
      body: { email, password, displayName: 'Suite User' },
    });
    if (result.status !== 201) {
      throw new Error(`register answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return { id: RegisteredUser.parse(result.body).id, email, password };
  }

  async login(email: string, password: string): Promise<LoginResponse> {
    const result = await this.request('POST', '/v1/auth/login', { body: { email, password } });
    if (result.status !== 200) {
      throw new Error(`login answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return LoginResponse.parse(result.body);
  }

  async tokens(email: string, password: string): Promise<TokenResponse> {
    return TokenResponse.parse(await this.login(email, password));
  }

  /** A new customer, signed in. */
  async newUser(): Promise<SuiteUser> {
    const user = await this.register();
    return { ...user, tokens: await this.tokens(user.email, user.password) };
  }

  private remember(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string' && /token|secret|otpauth/i.test(key)) {
        this.platform.secrets.add(value);
      }
      if (key === 'recoveryCodes' && Array.isArray(value)) {
        for (const code of value) if (typeof code === 'string') this.platform.secrets.add(code);
      }
    }
  }
}
