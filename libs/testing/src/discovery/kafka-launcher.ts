import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Answer } from './discover.js';
import { findFreePortPair } from './free-port.js';
import { probeKafka } from './kafka-probe.js';

const run = promisify(execFile);

/** Test brokers stay clear of the usual 9092, which a developer's own broker may take. */
const FIRST_TEST_PORT = 19092;
const TEST_BROKER_DIR = /^test-kafka-(\d+)$/;

/**
 * Starts a throwaway broker for one test run with infra/kafka/kafka.sh, in a fresh data folder
 * under .atlas/ that records which process owns it. Topics from earlier runs would only slow
 * the broker's start, so nothing is kept between runs.
 */
export async function startTestKafka(rootDir: string): Promise<Answer> {
  await stopOrphanedTestKafkas(rootDir);
  const port = await findFreePortPair(FIRST_TEST_PORT);
  const dataDir = testBrokerDir(rootDir, port);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'owner.pid'), String(process.pid));

  process.stderr.write(
    `Starting a Kafka broker on 127.0.0.1:${port} from Maven Central jars for this run (the first run on a machine also downloads them)...\n`,
  );
  const startedAt = performance.now();
  const stdout = await kafkaScript(rootDir, 'start', port, dataDir);
  if (!stdout.includes(' started on ')) {
    // Another run took the port between our check and the start: that broker is not ours to use or stop.
    throw new Error(`kafka.sh did not start a broker of its own on port ${port}: ${stdout.trim()}`);
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const answer = await probeKafka(`127.0.0.1:${port}`);
  return { address: answer.address, version: `${answer.version}, started in ${seconds}s` };
}

/** Stops a broker that startTestKafka started, and removes its data. */
export async function stopTestKafka(rootDir: string, brokers: string): Promise<void> {
  const port = Number(brokers.split(':').at(-1));
  const dataDir = testBrokerDir(rootDir, port);
  await kafkaScript(rootDir, 'stop', port, dataDir);
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * A run killed before its teardown (Ctrl-C twice, a crashed CI job) leaves its broker
 * running, detached; stop those whose owning process is gone.
 */
async function stopOrphanedTestKafkas(rootDir: string): Promise<void> {
  const entries = await readdir(join(rootDir, '.atlas')).catch(() => []);
  for (const entry of entries) {
    const port = TEST_BROKER_DIR.exec(entry)?.[1];
    if (!port) continue;
    const dataDir = join(rootDir, '.atlas', entry);
    const owner = Number(await readFile(join(dataDir, 'owner.pid'), 'utf8').catch(() => '0'));
    if (isAlive(owner)) continue;
    await kafkaScript(rootDir, 'stop', Number(port), dataDir);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function testBrokerDir(rootDir: string, port: number): string {
  return join(rootDir, '.atlas', `test-kafka-${port}`);
}

async function kafkaScript(
  rootDir: string,
  command: 'start' | 'stop',
  port: number,
  dataDir: string,
): Promise<string> {
  try {
    const { stdout } = await run(join(rootDir, 'infra', 'kafka', 'kafka.sh'), [command], {
      env: { ...process.env, KAFKA_PORT: String(port), KAFKA_DATA_DIR: dataDir },
    });
    return stdout;
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new Error(`infra/kafka/kafka.sh ${command} failed: ${stderr || String(error)}`, {
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
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
