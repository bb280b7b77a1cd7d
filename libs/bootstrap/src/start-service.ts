import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { createValidationPipe, ProblemDetailsFilter, requestIdFrom } from '#atlas/http';
import { consumerTransport } from '#atlas/messaging';
import {
  createServiceLogger,
  HealthModule,
  instrumentHttp,
  MetricsModule,
  PinoNestLogger,
  ServiceMetrics,
  traceHttp,
} from '#atlas/observability';
import { connectBroker } from './broker-connection.js';
import { configureHttpEdge } from './http-edge.js';
import type {
  HostedConfig,
  ServiceContext,
  ServiceDefinition,
  ServiceRuntime,
} from './service-definition.js';

export interface RunningService {
  readonly name: string;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3003. */
  readonly url: string;
  readonly app: NestFastifyApplication;
  /** Graceful: not ready, drain, stop taking requests, finish in-flight work, leave the group. */
  close(): Promise<void>;
}

/** Largest request body any service accepts; routes that take uploads raise their own limit. */
const BODY_LIMIT_BYTES = 1024 * 1024;

@Module({})
class ServiceHostModule {}

/**
 * Starts one service: parses its configuration (failing fast with a message naming what to
 * set), builds its Nest application on Fastify with the common edge, health, metrics and
 * logging, connects its message consumers, and listens.
 */
export async function startService<Config extends HostedConfig>(
  definition: ServiceDefinition<Config>,
  runtime: ServiceRuntime,
): Promise<RunningService> {
  const config = definition.parseConfig(runtime.env);
  const settings = config.service;
  const context: ServiceContext = config.broker
    ? { broker: connectBroker(config.broker, runtime) }
    : {};

  const logger = createServiceLogger({
    service: definition.name,
    level: settings.logLevel,
    ...(runtime.logDestination ? { destination: runtime.logDestination } : {}),
  });
  const trustProxy = definition.http?.(config).trustProxy ?? [];
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    ...(trustProxy.length > 0 ? { trustProxy: [...trustProxy] } : {}),
    // Request log lines are instrumentHttp's (errors, slow requests, all with LOG_REQUESTS).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFrom,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // No app uses Nest middleware (the edge is Fastify hooks), and @fastify/middie's hook
    // would otherwise run its empty chain on every request.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: ServiceHostModule,
      imports: [
        MetricsModule.forService(definition.name),
        HealthModule.forRoot({ checks: definition.readiness, drainMs: settings.shutdownDrainMs }),
        definition.module(config, context),
      ],
    },
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      rawBody: definition.rawBody ?? false,
    },
  );

  try {
    const fastify = app.getHttpAdapter().getInstance();
    // Fastify would make a child logger per request (request.log, bound to its id), which
    // nothing here uses and which costs a pino child with its redaction on every request.
    fastify.setChildLoggerFactory((parent) => parent);
    // First, so that every hook after it (the edge, rate limits) runs in the request's span.
    traceHttp(fastify);
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.useGlobalPipes(createValidationPipe());
    configureHttpEdge(app, BODY_LIMIT_BYTES);
    instrumentHttp(fastify, logger, app.get(ServiceMetrics), settings.requestLog);
    await definition.configure?.(app, config);

    if (definition.consumesMessages) {
      if (!context.broker)
        throw new Error(`${definition.name} consumes messages but has no broker`);
      app.connectMicroservice(
        consumerTransport({ service: definition.name, broker: context.broker }),
      );
    }
    await app.init();
    await app.startAllMicroservices();
    await app.listen(settings.http.port, settings.http.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.http.port;
  const url = `http://${settings.http.host}:${port}`;
  logger.info({ url }, `${definition.name} is listening`);

  let closing: Promise<void> | undefined;
  return {
    name: definition.name,
    url,
    app,
    close: () => (closing ??= app.close()),
  };
}
