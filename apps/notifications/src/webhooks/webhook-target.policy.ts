import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { callbackify } from 'node:util';
import { unprocessable } from '#atlas/http';
import { isBlockedAddress } from './blocked-addresses.js';

/** `dns.lookup` with every address: tests give a resolver whose answers they control. */
export type Resolver = (
  hostname: string,
) => Promise<readonly { address: string; family: number }[]>;

export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');
export const WEBHOOK_ALLOWED_TARGETS = Symbol('WEBHOOK_ALLOWED_TARGETS');

export const systemResolver: Resolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Keeps webhooks from becoming a way into the network Atlas runs in (SSRF). A target must
 * resolve to public addresses only, checked when the subscription is made and again on every
 * delivery, at the moment of connecting: the connection goes to the very address that was
 * checked, so a name that resolves to a public address first and a private one later (DNS
 * rebinding) gets nowhere. Targets named in WEBHOOK_ALLOWED_TARGETS (`host` or `host:port`)
 * are exempt: a receiver on the local network, or the test suite's.
 */
@Injectable()
export class WebhookTargetPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(
    @Inject(WEBHOOK_ALLOWED_TARGETS) allowedTargets: readonly string[],
    @Inject(WEBHOOK_RESOLVER) private readonly resolve: Resolver,
  ) {
    this.allowed = new Set(allowedTargets.map((target) => target.toLowerCase()));
  }

  isAllowListed(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return this.allowed.has(host) || this.allowed.has(`${host}:${portOf(url)}`);
  }

  /** Refuses (422) a URL whose host is, or resolves to, anything but public addresses. */
  async assertAllowed(target: string): Promise<void> {
    const url = new URL(target);
    if (this.isAllowListed(url)) return;
    const addresses = isIP(bare(url.hostname))
      ? [bare(url.hostname)]
      : await this.resolve(url.hostname).then(
          (found) => found.map((entry) => entry.address),
          () => [],
        );
    if (addresses.length === 0) {
      throw unprocessable('WEBHOOKS.TARGET_UNRESOLVABLE', `${url.hostname} does not resolve.`);
    }
    if (addresses.some(isBlockedAddress)) {
      throw unprocessable(
        'WEBHOOKS.TARGET_NOT_ALLOWED',
        `${url.hostname} is, or resolves to, a private, loopback or link-local address; webhooks go to public addresses only.`,
      );
    }
  }

  /**
   * A `lookup` for the delivery's socket: it resolves, refuses the connection if any address
   * is not public, and hands the socket the addresses it checked.
   */
  readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    this.publicAddressesOf(hostname, (error, found) => {
      const [first] = found ?? [];
      if (error || !first) callback(error, '', 0);
      else if (options.all) callback(null, [...(found ?? [])]);
      else callback(null, first.address, first.family);
    });
  };

  /** Every address of the name, or an error if there is none or any is not public. */
  private readonly publicAddressesOf = callbackify(
    async (hostname: string): Promise<{ address: string; family: number }[]> => {
      const found = await this.resolve(hostname);
      const blocked = found.find((entry) => isBlockedAddress(entry.address));
      if (found.length === 0 || blocked) {
        const error: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${blocked?.address ?? 'nothing'}, which webhooks may not reach`,
        );
        error.code = 'EWEBHOOKTARGET';
        throw error;
      }
      return found.map((entry) => ({ address: entry.address, family: entry.family }));
    },
  );
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}
