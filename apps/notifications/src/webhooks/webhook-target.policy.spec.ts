import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { WebhookSender } from './webhook-sender.js';
import { WebhookTargetPolicy, type Resolver } from './webhook-target.policy.js';

/** A resolver whose answers the test sets, name by name. */
function resolverOf(answers: Record<string, string[]>): Resolver {
  return async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
}

describe('WebhookTargetPolicy at subscription time', () => {
  const policy = new WebhookTargetPolicy(
    ['receiver.internal:8080', '10.9.9.9'],
    resolverOf({
      'shop.example.com': ['93.184.215.14'],
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
      'metadata.example.com': ['169.254.169.254'],
      'six.example.com': ['2606:4700::1111', 'fd00::1'],
      'receiver.internal': ['10.1.2.3'],
    }),
  );

  it('lets a host that resolves to public addresses only through', async () => {
    await expect(policy.assertAllowed('https://shop.example.com/hooks')).resolves.toBeUndefined();
  });

  it.each([
    'https://mixed.example.com/hooks', // one private address among public ones is enough
    'https://metadata.example.com/latest',
    'https://six.example.com/hooks',
    'http://127.0.0.1/hooks',
    'http://[::1]/hooks',
    'http://receiver.internal:9090/hooks', // allow-listed on another port only
  ])('refuses %s', async (url) => {
    await expect(policy.assertAllowed(url)).rejects.toMatchObject({
      status: 422,
      code: 'WEBHOOKS.TARGET_NOT_ALLOWED',
    });
  });

  it('refuses a host that does not resolve', async () => {
    await expect(policy.assertAllowed('https://nowhere.example.com/')).rejects.toMatchObject({
      code: 'WEBHOOKS.TARGET_UNRESOLVABLE',
    });
  });

  it('lets allow-listed targets through, private as they are', async () => {
    await expect(policy.assertAllowed('http://receiver.internal:8080/h')).resolves.toBeUndefined();
    await expect(policy.assertAllowed('http://10.9.9.9/h')).resolves.toBeUndefined();
  });
});

describe('WebhookSender at delivery time', () => {
  let receiver: Server;
  let port = 0;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push(request.headers.host ?? '');
      response.statusCode = 204;
      response.end();
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const address = receiver.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  const delivery = (url: string) => ({
    url,
    secret: 'whsec_test',
    deliveryId: '7b0e8a47-5c5c-4f25-9d3b-7f0c1c2a0a11',
    eventType: 'order.confirmed',
    body: '{}',
  });

  it('does not connect to a name that resolves to a private address now (DNS rebinding)', async () => {
    // It resolved to a public address when the subscription was checked; now it points home.
    let lookups = 0;
    const rebinding: Resolver = async () => {
      lookups += 1;
      return lookups === 1
        ? [{ address: '93.184.215.14', family: 4 }]
        : [{ address: '127.0.0.1', family: 4 }];
    };
    const policy = new WebhookTargetPolicy([], rebinding);
    const url = `http://rebinding.example.com:${port}/hook`;
    await policy.assertAllowed(url);
    const sender = new WebhookSender(policy);

    const result = await sender.send(delivery(url));

    expect(result).toMatchObject({ delivered: false, statusCode: null });
    expect(!result.delivered && result.error).toMatch(/may not reach/);
    expect(received).toEqual([]);
    await sender.onApplicationShutdown();
  });

  it('refuses a literal private address, which no lookup would catch', async () => {
    const sender = new WebhookSender(new WebhookTargetPolicy([], resolverOf({})));
    const result = await sender.send(delivery(`http://127.0.0.1:${port}/hook`));
    expect(result).toMatchObject({ delivered: false, error: '127.0.0.1 is not a public address' });
    expect(received).toEqual([]);
    await sender.onApplicationShutdown();
  });

  it('delivers to the same receiver once it is allow-listed, so the refusals above are real', async () => {
    const policy = new WebhookTargetPolicy(
      [`rebinding.example.com:${port}`],
      resolverOf({ 'rebinding.example.com': ['127.0.0.1'] }),
    );
    const sender = new WebhookSender(policy);
    // The allow-listed agent uses the system resolver, so the name is given as an address.
    const direct = new WebhookSender(
      new WebhookTargetPolicy([`127.0.0.1:${port}`], resolverOf({})),
    );

    await expect(direct.send(delivery(`http://127.0.0.1:${port}/hook`))).resolves.toEqual({
      delivered: true,
      statusCode: 204,
    });
    expect(received).toEqual([`127.0.0.1:${port}`]);
    await sender.onApplicationShutdown();
    await direct.onApplicationShutdown();
  });

  it('does not follow redirects', async () => {
    const redirecting = createServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${port}/elsewhere` });
      response.end();
    });
    redirecting.listen(0, '127.0.0.1');
    await once(redirecting, 'listening');
    const address = redirecting.address();
    const redirectPort = typeof address === 'object' && address ? address.port : 0;
    const sender = new WebhookSender(
      new WebhookTargetPolicy([`127.0.0.1:${redirectPort}`], resolverOf({})),
    );
    const before = received.length;

    const result = await sender.send(delivery(`http://127.0.0.1:${redirectPort}/hook`));

    expect(result).toMatchObject({ delivered: false, statusCode: 307 });
    expect(received).toHaveLength(before);
    await sender.onApplicationShutdown();
    await new Promise((resolve) => redirecting.close(resolve));
  });
});
