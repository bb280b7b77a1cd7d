import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { ServiceMetrics } from './service-metrics.js';

/** `GET /metrics` for Prometheus, and the registry every module of the app records into. */
@Module({})
export class MetricsModule {
  static forService(service: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: ServiceMetrics, useFactory: () => new ServiceMetrics(service) }],
      exports: [ServiceMetrics],
    };
  }
}
