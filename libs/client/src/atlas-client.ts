import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  Order,
  OrderAccepted,
  ProductList,
  RegisteredUser,
  TokenResponse,
  type Product,
} from '#atlas/contracts';

export interface HttpResult<Body = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/**
 * A client of the public API through the gateway, as a browser or mobile app would use it:
 * for the journey tests, the benchmarks and scripted demos. Successful answers are parsed with
 * the contract schemas from libs/contracts, so a caller also fails when a response drifts from
 * the documented shape.
 */
export class AtlasClient {
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const body: unknown = type.includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body };
  }

  /** A request that must succeed with `status`, its body checked against `schema`. */
  async expect<Schema extends z.ZodType>(
    status: number,
    schema: Schema,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<z.output<Schema>>> {
    const result = await this.request(method, path, options);
    if (result.status !== status) {
      throw new Error(
        `${method} ${path} answered ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`,
      );
    }
    const parsed = schema.safeParse(result.body);
    if (!parsed.success) {
      throw new Error(`${method} ${path} broke its contract: ${z.prettifyError(parsed.error)}`);
    }
    return { ...result, body: parsed.data };
  }

  /** A new customer with a unique email, logged in. */
  async newCustomer(): Promise<{ id: string; email: string; password: string; token: string }> {
    const email = `customer-${randomUUID()}@example.com`;
    const password = `correct horse ${randomUUID()}`;
    const registered = await this.expect(201, RegisteredUser, 'POST', '/v1/auth/register', {
      body: { email, password, displayName: 'Journey Tester' },
    });
    const tokens = await this.login(email, password);
    return { id: registered.body.id, email, password, token: tokens.accessToken };
  }

  async login(email: string, password: string): Promise<TokenResponse> {
    return (
      await this.expect(200, TokenResponse, 'POST', '/v1/auth/login', { body: { email, password } })
    ).body;
  }

  async products(): Promise<ProductList> {
    return (await this.expect(200, ProductList, 'GET', '/v1/products?limit=100')).body;
  }

  async product(id: string): Promise<Product> {
    const list = ProductList.shape.items.element;
    return (await this.expect(200, list, 'GET', `/v1/products/${id}`)).body;
  }

  placeOrder(
    token: string,
    items: { productId: string; quantity: number }[],
    idempotencyKey: string = randomUUID(),
  ): Promise<HttpResult<OrderAccepted>> {
    return this.expect(202, OrderAccepted, 'POST', '/v1/orders', {
      token,
      body: { items },
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  /** Polls the order until it reaches a final status (CONFIRMED or CANCELLED). */
  async settledOrder(token: string, id: string, timeoutMs = 30_000): Promise<Order> {
    const read = async () =>
      (await this.expect(200, Order, 'GET', `/v1/orders/${id}`, { token })).body;
    const order = await this.eventually(
      read,
      (o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED',
      timeoutMs,
    );
    if (order.status !== 'CONFIRMED' && order.status !== 'CANCELLED') {
      throw new Error(
        `order ${id} did not settle within ${timeoutMs} ms: ${JSON.stringify(order)}`,
      );
    }
    return order;
  }

  /** Polls until `check` accepts what `read` returns, or the time is up (returns the last value). */
  async eventually<T>(
    read: () => Promise<T>,
    check: (value: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!check(value) && Date.now() < deadline) {
      await sleep(100);
      value = await read();
    }
    return value;
  }
}
