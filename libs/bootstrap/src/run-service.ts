import { ConfigError } from '#atlas/config';
import { shutdownTelemetry } from '#atlas/observability';
import type { HostedConfig, ServiceDefinition } from './service-definition.js';
import { startService } from './start-service.js';

/** Gives up on a shutdown that hangs, so the orchestrator's kill is never the normal path. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * The process entry of a service in distributed mode: start from `process.env`, stop
 * gracefully on SIGTERM or SIGINT, and exit non-zero with a readable message when the
 * configuration is wrong.
 */
export async function runService<Config extends HostedConfig>(
  definition: ServiceDefinition<Config>,
): Promise<void> {
  let running;
  try {
    running = await startService(definition, { env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${definition.name} failed to start: ${describe(error)}\n`);
    }
    await shutdownTelemetry();
    process.exit(1);
  }

  const stop = async (signal: NodeJS.Signals) => {
    const timer = setTimeout(() => {
      process.stderr.write(`${definition.name}: shutdown took too long after ${signal}\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await running.close();
    await shutdownTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
