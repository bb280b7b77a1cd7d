import { resolve } from 'node:path';
import { envVar, parseConfig } from '#atlas/config';
import { shutdownTelemetry } from '#atlas/observability';
import { z } from 'zod';
import { startEmbeddedPlatform } from './embedded-platform.js';

/**
 * `npm start`: the whole platform in one process, no infrastructure needed. Data lives in
 * .atlas/data (git-ignored) so accounts and orders survive a restart; delete it to start over.
 */
const launcher = parseConfig(
  'embedded',
  z.object({
    PORT: envVar.port(3000),
    ATLAS_DATA_DIR: z.string().min(1).default('.atlas/data').describe('a folder for the data'),
  }),
  process.env,
);

const started = Date.now();
let platform;
try {
  platform = await startEmbeddedPlatform({
    env: process.env,
    dataDir: resolve(launcher.ATLAS_DATA_DIR),
    gatewayPort: launcher.PORT,
  });
} catch (error) {
  process.stderr.write(
    `Atlas could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  [
    '',
    `Atlas is running in embedded mode (started in ${seconds} s).`,
    `  API gateway   ${platform.gatewayUrl}`,
    `  API docs      ${platform.gatewayUrl}/docs`,
    `  Readiness     ${platform.gatewayUrl}/health/ready`,
    `  Services      ${Object.entries(platform.urls)
      .filter(([name]) => name !== 'gateway')
      .map(([name, url]) => `${name} ${url}`)
      .join(', ')}`,
    `  Data          ${resolve(launcher.ATLAS_DATA_DIR)}`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);

const stop = async () => {
  await platform.stop();
  await shutdownTelemetry();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
