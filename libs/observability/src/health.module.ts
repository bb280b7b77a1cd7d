import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthController } from './health.controller.js';
import type { ReadinessCheck } from './readiness-check.js';
import { ReadinessProbe } from './readiness.probe.js';
import { ShutdownState } from './shutdown-state.js';

export interface HealthOptions {
  /** The dependencies this app needs to serve, e.g. `[DatabaseHealthCheck, BrokerHealthCheck]`. */
  readonly checks: readonly Type<ReadinessCheck>[];
  readonly drainMs: number;
}

/** `GET /health/live`, `GET /health/ready`, and the readiness flip of a graceful shutdown. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        {
          provide: ShutdownState,
          useFactory: () => new ShutdownState({ drainMs: options.drainMs }),
        },
        {
          provide: ReadinessProbe,
          inject: [ModuleRef, ShutdownState],
          useFactory: (moduleRef: ModuleRef, shutdown: ShutdownState) =>
            new ReadinessProbe(moduleRef, shutdown, options.checks),
        },
      ],
      exports: [ShutdownState],
    };
  }
}
