import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BrokerSettings, Env, ServiceSettings } from '#atlas/config';
import type { ServiceName } from '#atlas/contracts';
import type { BrokerConnection, EmbeddedBroker } from '#atlas/messaging';
import type { ReadinessCheck } from '#atlas/observability';
import type { DestinationStream } from 'pino';

/** The part of every service's configuration that hosting needs. */
export interface HostedConfig {
  readonly service: ServiceSettings;
  readonly broker?: BrokerSettings;
}

/** What the host hands a service's root module: connections chosen for this run. */
export interface ServiceContext {
  readonly broker?: BrokerConnection;
}

/**
 * A service, declared once: how it reads its configuration, its root module, what it must
 * reach to be ready, and whether it consumes messages. The same definition runs as its own
 * process (`main.ts`) or inside the embedded launcher.
 */
export interface ServiceDefinition<Config extends HostedConfig = HostedConfig> {
  readonly name: ServiceName;
  readonly parseConfig: (env: Env) => Config;
  readonly module: (config: Config, context: ServiceContext) => DynamicModule;
  readonly readiness: readonly Type<ReadinessCheck>[];
  readonly consumesMessages?: boolean;
  /**
   * Keep each JSON request's exact bytes as `request.rawBody` (Nest's `RawBodyRequest`), for
   * routes that check a signature over the body as it was sent.
   */
  readonly rawBody?: boolean;
  /** HTTP server options that depend on configuration, such as the trusted proxies. */
  readonly http?: (config: Config) => HttpServerOptions;
  /** Edge-specific setup after the app is created (CORS, API docs): the gateway uses it. */
  readonly configure?: (app: NestFastifyApplication, config: Config) => void | Promise<void>;
}

export function defineService<Config extends HostedConfig>(
  definition: ServiceDefinition<Config>,
): ServiceDefinition<Config> {
  return definition;
}

export interface HttpServerOptions {
  /** Addresses or CIDRs whose X-Forwarded-For is believed; nobody else's is. */
  readonly trustProxy?: readonly string[];
}

/** Everything a run provides from outside the configuration. */
export interface ServiceRuntime {
  readonly env: Env;
  /** Embedded mode's shared in-process broker. Without one, `ATLAS_BROKER=embedded` makes a private one. */
  readonly broker?: EmbeddedBroker;
  /** Where JSON logs go (stdout by default). */
  readonly logDestination?: DestinationStream;
}

/** The broker of a service whose configuration has one; a clear error if it was not set up. */
export function brokerOf(context: ServiceContext): BrokerConnection {
  if (!context.broker) {
    throw new Error('this service needs a message broker, but its configuration has none');
  }
  return context.broker;
}
