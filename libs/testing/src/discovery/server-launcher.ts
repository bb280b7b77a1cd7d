import { execFile } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Answer } from './discover.js';
import { findFreePorts } from '../network/free-port.js';
import type { InfraService } from './infra-target.js';
import { LAUNCH_SPECS } from './launch-specs.js';

const run = promisify(execFile);

/**
 * Starts a throwaway server for one test run with its script under infra/, on a free port, in a
 * fresh data folder under .atlas/ whose name records the port and the run's process:
 * `test-postgres-15432-<pid>`. Data from earlier runs would only slow the start, so nothing is
 * kept between runs. Answers once `probe` does.
 */
export async function startTestServer(
  rootDir: string,
  service: InfraService,
  probe: (address: string) => Promise<Answer>,
): Promise<Answer> {
  const spec = LAUNCH_SPECS[service];
  await stopOrphanedTestServers(rootDir, service);
  const port = await findFreePorts(spec.firstPort, spec.width);
  const dataDir = testServerDir(rootDir, service, port, process.pid);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  process.stderr.write(
    `Starting ${spec.label} on 127.0.0.1:${port} from Maven Central jars for this run (the first run on a machine also downloads them)...\n`,
  );
  const startedAt = performance.now();
  try {
    const stdout = await script(rootDir, service, 'start', port, dataDir);
    if (!stdout.includes(' started on ')) {
      // Another run took the port between our check and the start: that server is not ours to use.
      throw new Error(
        `${spec.script} did not start a server of its own on port ${port}: ${stdout.trim()}`,
      );
    }
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const answer = await probe(spec.address(port));
    return { address: answer.address, version: `${answer.version}, started in ${seconds}s` };
  } catch (error) {
    // Leave nothing behind: a server that started but does not answer, a failed start's data.
    // `stop` only reaches a server whose pid file is in this new folder, so never another's; if
    // it fails, the folder stays for the next run to stop as an orphan. The error says why.
    await stopTestServer(rootDir, service, spec.address(port)).catch(() => undefined);
    throw error;
  }
}

/** Stops a server that startTestServer started in this process, and removes its data. */
export async function stopTestServer(
  rootDir: string,
  service: InfraService,
  address: string,
): Promise<void> {
  const port = LAUNCH_SPECS[service].portOf(address);
  const dataDir = testServerDir(rootDir, service, port, process.pid);
  await script(rootDir, service, 'stop', port, dataDir);
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * A run killed before its teardown (Ctrl-C twice, a crashed CI job) leaves its servers
 * running, detached; stop those whose run is gone.
 */
async function stopOrphanedTestServers(rootDir: string, service: InfraService): Promise<void> {
  const folder = new RegExp(`^test-${service}-(\\d+)-(\\d+)$`);
  const entries = await readdir(join(rootDir, '.atlas')).catch(() => []);
  for (const entry of entries) {
    const [, port, owner] = folder.exec(entry) ?? [];
    if (!port || !owner || isAlive(Number(owner))) continue;
    const dataDir = join(rootDir, '.atlas', entry);
    await script(rootDir, service, 'stop', Number(port), dataDir);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function testServerDir(rootDir: string, service: InfraService, port: number, owner: number) {
  return join(rootDir, '.atlas', `test-${service}-${port}-${owner}`);
}

async function script(
  rootDir: string,
  service: InfraService,
  command: 'start' | 'stop',
  port: number,
  dataDir: string,
): Promise<string> {
  const spec = LAUNCH_SPECS[service];
  try {
    const { stdout } = await run(join(rootDir, spec.script), [command], {
      env: { ...process.env, [spec.portVariable]: String(port), [spec.dataDirVariable]: dataDir },
    });
    return stdout;
  } catch (error) {
    const stderr = stringProperty(error, 'stderr')?.trim();
    throw new Error(`${spec.script} ${command} failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but owned by another user.
    return stringProperty(error, 'code') === 'EPERM';
  }
}

/** Not `instanceof Error`: errors from Node's own modules come from another realm under jest. */
function stringProperty(error: unknown, name: 'stderr' | 'code'): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value: unknown = Reflect.get(error, name);
  return typeof value === 'string' ? value : undefined;
}
