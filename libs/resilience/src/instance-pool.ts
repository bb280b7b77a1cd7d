import { systemClock, type Clock } from './clock.js';
import { noInstance } from './resilience.errors.js';

export interface InstancePoolOptions {
  /** Consecutive failures that take an instance out. */
  readonly consecutiveFailures: number;
  /** How long the first ejection lasts; each further one lasts longer, up to `maxEjectionMs`. */
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  /** Never eject more than this share of the instances (Envoy's max_ejection_percent). */
  readonly maxEjectedShare: number;
}

export const DEFAULT_INSTANCE_POOL: InstancePoolOptions = {
  consecutiveFailures: 5,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
  maxEjectedShare: 0.5,
};

interface Instance {
  readonly url: string;
  consecutiveFailures: number;
  ejections: number;
  ejectedUntil: number;
}

/**
 * Balances calls over the instances of one service (round robin) and takes out, for a while,
 * an instance that keeps failing (outlier ejection), while always keeping part of the pool in,
 * so that a problem of the whole service does not eject every instance.
 */
export class InstancePool {
  private readonly instances: Instance[];
  private next = 0;

  constructor(
    readonly name: string,
    urls: readonly string[],
    private readonly options: InstancePoolOptions = DEFAULT_INSTANCE_POOL,
    private readonly clock: Clock = systemClock,
  ) {
    if (urls.length === 0) throw new Error(`${name} needs at least one instance URL`);
    this.instances = urls.map((url) => ({
      url,
      consecutiveFailures: 0,
      ejections: 0,
      ejectedUntil: 0,
    }));
  }

  get urls(): readonly string[] {
    return this.instances.map((instance) => instance.url);
  }

  /** The instances taking traffic now. */
  healthy(): readonly string[] {
    const now = this.clock.now();
    return this.instances.filter((instance) => instance.ejectedUntil <= now).map((i) => i.url);
  }

  pick(): string {
    const now = this.clock.now();
    for (let tried = 0; tried < this.instances.length; tried += 1) {
      const instance = this.instances[this.next % this.instances.length];
      this.next += 1;
      if (instance && instance.ejectedUntil <= now) return instance.url;
    }
    const soonest = Math.min(...this.instances.map((instance) => instance.ejectedUntil));
    throw noInstance(this.name, soonest - now);
  }

  report(url: string, succeeded: boolean): void {
    const instance = this.instances.find((candidate) => candidate.url === url);
    if (!instance) return;
    if (succeeded) {
      instance.consecutiveFailures = 0;
      return;
    }
    instance.consecutiveFailures += 1;
    if (instance.consecutiveFailures >= this.options.consecutiveFailures && this.mayEject()) {
      instance.ejections += 1;
      instance.consecutiveFailures = 0;
      const duration = Math.min(
        this.options.maxEjectionMs,
        this.options.baseEjectionMs * instance.ejections,
      );
      instance.ejectedUntil = this.clock.now() + duration;
    }
  }

  private mayEject(): boolean {
    const now = this.clock.now();
    const ejected = this.instances.filter((instance) => instance.ejectedUntil > now).length;
    return ejected + 1 <= Math.floor(this.instances.length * this.options.maxEjectedShare);
  }
}
