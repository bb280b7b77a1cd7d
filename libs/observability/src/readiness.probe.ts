import { Injectable, Logger, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ReadinessCheck } from './readiness-check.js';
import { ShutdownState } from './shutdown-state.js';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export type CheckResult = { status: 'up' } | { status: 'down'; error: string };

export interface ReadinessReport {
  status: 'ok' | 'error' | 'shutting_down';
  checks: Record<string, CheckResult>;
}

/** A check that hangs must not hang the probe: Kubernetes would time out and learn nothing. */
const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class ReadinessProbe {
  private readonly logger = new Logger('Readiness');
  private checks?: ReadinessCheck[];

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly shutdown: ShutdownState,
    private readonly checkTypes: readonly Type<ReadinessCheck>[],
  ) {}

  async run(): Promise<ReadinessReport> {
    // The checks live in the modules that own the connections (persistence, messaging,
    // cache); they are looked up app-wide rather than re-exported through every module.
    this.checks ??= this.checkTypes.map((type) => this.moduleRef.get(type, { strict: false }));
    const entries = await Promise.all(
      this.checks.map(async (check) => [check.name, await this.runOne(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    if (this.shutdown.isShuttingDown) return { status: 'shutting_down', checks };
    const healthy = entries.every(([, result]) => result.status === 'up');
    return { status: healthy ? 'ok' : 'error', checks };
  }

  private async runOne(check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([check.check(), timeout]);
      return { status: 'up' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ check: check.name, error: message }, 'readiness check failed');
      return { status: 'down', error: message };
    } finally {
      clearTimeout(timer);
    }
  }
}
