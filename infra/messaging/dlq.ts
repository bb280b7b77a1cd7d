import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { type DataDirLock, lockDataDir } from '#atlas/bootstrap';
import { envVar, parseConfig } from '#atlas/config';
import {
  type DeadLetterQueues,
  EmbeddedBroker,
  EmbeddedDeadLetterQueues,
  KafkaDeadLetterQueues,
  runDeadLetterCommand,
} from '#atlas/messaging';

/**
 * `npm run dlq -- list|show|replay ...`: inspect and replay dead letters.
 *
 * Distributed mode (default): the Kafka cluster in KAFKA_BROKERS, inside KAFKA_NAMESPACE if
 * the platform uses one (both may come from .env). Embedded mode (`ATLAS_BROKER=embedded`):
 * the broker log under ATLAS_DATA_DIR, while `npm start` is stopped.
 */
const config = parseConfig(
  'dlq',
  z.object({
    ATLAS_BROKER: z.enum(['kafka', 'embedded']).default('kafka').describe('kafka or embedded'),
    KAFKA_BROKERS: envVar.list('127.0.0.1:9092').default(['127.0.0.1:9092']),
    KAFKA_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,48}$/i)
      .optional()
      .describe('the prefix of the platform’s topics, if it has one'),
    ATLAS_DATA_DIR: z
      .string()
      .min(1)
      .default('.atlas/data')
      .describe('embedded mode’s data folder'),
  }),
  process.env,
);

// Only problems from the libraries; the command's own output is the point.
Logger.overrideLogger(['error', 'warn']);

let lock: DataDirLock | undefined;
let queues: DeadLetterQueues;
if (config.ATLAS_BROKER === 'embedded') {
  const dataDir = resolve(config.ATLAS_DATA_DIR);
  try {
    lock = lockDataDir(dataDir, 'npm run dlq');
  } catch (error) {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  queues = new EmbeddedDeadLetterQueues(new EmbeddedBroker({ dataDir: join(dataDir, 'broker') }));
} else {
  queues = new KafkaDeadLetterQueues(config.KAFKA_BROKERS, config.KAFKA_NAMESPACE);
}

let code = 1;
try {
  code = await runDeadLetterCommand(process.argv.slice(2), queues, (line) =>
    process.stdout.write(`${line}\n`),
  );
} catch (error) {
  process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await queues.close().catch(() => undefined);
  lock?.release();
}
process.exit(code);
