import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import {
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '#atlas/contracts';
import { isBlockedAddress } from './blocked-addresses.js';
import { signWebhook } from './webhook-signature.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';

export type SendResult =
  | { readonly delivered: true; readonly statusCode: number }
  | { readonly delivered: false; readonly statusCode: number | null; readonly error: string };

const TIMEOUT_MS = 10_000;

/**
 * Sends one signed delivery. Only a 2xx answer counts as delivered; redirects are not
 * followed (a 3xx could point anywhere, the private network included) and count as failures.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  /** Connects only to addresses the policy checked at connect time. */
  private readonly guarded: Agent;
  /** For allow-listed targets, which may be private by configuration. */
  private readonly allowListed = new Agent({ connect: { timeout: TIMEOUT_MS } });

  constructor(private readonly policy: WebhookTargetPolicy) {
    this.guarded = new Agent({ connect: { timeout: TIMEOUT_MS, lookup: policy.guardedLookup } });
  }

  async send(input: {
    url: string;
    secret: string;
    deliveryId: string;
    eventType: string;
    body: string;
  }): Promise<SendResult> {
    const url = new URL(input.url);
    const allowListed = this.policy.isAllowListed(url);
    // A literal IP is connected to without a lookup, so it is checked here instead.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowListed && isIP(literal) && isBlockedAddress(literal)) {
      return { delivered: false, statusCode: null, error: `${literal} is not a public address` };
    }
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: allowListed ? this.allowListed : this.guarded,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Atlas-Webhooks/1',
          [WEBHOOK_ID_HEADER]: input.deliveryId,
          [WEBHOOK_EVENT_HEADER]: input.eventType,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(input.secret, input.body),
        },
        body: input.body,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      // What the receiver says does not matter beyond its status; do not keep its body.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return { delivered: true, statusCode: response.statusCode };
      }
      return {
        delivered: false,
        statusCode: response.statusCode,
        error: `the receiver answered ${response.statusCode}`,
      };
    } catch (error) {
      return { delivered: false, statusCode: null, error: describe(error) };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.guarded.close(), this.allowListed.close()]);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 500);
}
