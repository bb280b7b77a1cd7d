import { type DeadLetter, isDeadLetterTopic, readDeadLetter, replayOf } from './dead-letter.js';
import type { DeadLetterQueues } from './dead-letter-queues.js';

export const DEAD_LETTER_USAGE = `Inspect and replay dead letters (messages a consumer could not process).

  npm run dlq -- list                          dead-letter topics and how many messages each holds
  npm run dlq -- list <topic>                  the dead letters of one topic
  npm run dlq -- show <topic> <offset>         one dead letter in full: the error, headers, payload
  npm run dlq -- replay <topic> <offset>...    put these back on the topic they failed on
  npm run dlq -- replay <topic> --all          put every dead letter of the topic back

<topic> is the original topic or its .dlq (orders.order-placed.v1 or orders.order-placed.v1.dlq);
<offset> is an offset in the .dlq topic, or <partition>:<offset> if it has several partitions.
Fix what made the messages fail before replaying them: consumers dedupe on eventId, so a replay
of a message that was applied after all changes nothing, and one that fails again is parked again.`;

/**
 * `npm run dlq -- ...`: the operator's side of dead-lettering. Returns the exit code.
 */
export async function runDeadLetterCommand(
  args: readonly string[],
  queues: DeadLetterQueues,
  print: (line: string) => void,
  now: () => Date = () => new Date(),
): Promise<number> {
  const [command, topicArgument, ...rest] = args;
  const topic = topicArgument === undefined ? undefined : dlqTopicOf(topicArgument);
  switch (command) {
    case 'list':
      if (topic === undefined) {
        const topics = await queues.topics();
        const nonEmpty = topics.filter((t) => t.count > 0);
        if (nonEmpty.length === 0)
          print(`No dead letters (${topics.length} dead-letter topics, all empty).`);
        for (const t of nonEmpty)
          print(`${t.topic}  ${t.count} message${t.count === 1 ? '' : 's'}`);
        return 0;
      }
      return list(await load(queues, topic), topic, print);
    case 'show': {
      if (topic === undefined || rest.length !== 1) return usage(print);
      const [letter] = select(await load(queues, topic), rest);
      if (!letter) return notFound(print, topic, rest);
      show(letter, print);
      return 0;
    }
    case 'replay': {
      if (topic === undefined || rest.length === 0) return usage(print);
      const letters = await load(queues, topic);
      const chosen = rest.includes('--all') ? letters : select(letters, rest);
      if (chosen.length === 0) return notFound(print, topic, rest);
      const at = now();
      // In offset order, one batch: per-key order is kept on the way back too.
      await queues.publish(chosen.map((letter) => replayOf(letter, at)));
      for (const letter of chosen) {
        print(
          `replayed ${letter.id} (eventId ${letter.eventId ?? '-'}) to ${letter.originalTopic}`,
        );
      }
      return 0;
    }
    default:
      return usage(print);
  }
}

function dlqTopicOf(argument: string): string {
  return isDeadLetterTopic(argument) ? argument : `${argument}.dlq`;
}

async function load(queues: DeadLetterQueues, topic: string): Promise<DeadLetter[]> {
  return (await queues.read(topic)).map(readDeadLetter);
}

function list(
  letters: readonly DeadLetter[],
  topic: string,
  print: (line: string) => void,
): number {
  if (letters.length === 0) {
    print(`${topic} is empty.`);
    return 0;
  }
  print(`${topic}: ${letters.length} dead letter${letters.length === 1 ? '' : 's'}`);
  for (const letter of letters) {
    const where = `${letter.record.partition}:${letter.record.offset}`;
    print(
      `  ${where.padEnd(8)} ${letter.failure.failedAt ?? '-'}  ${(letter.failure.reason ?? '-').padEnd(15)} ` +
        `eventId ${letter.eventId ?? '-'}  ${letter.failure.errorCode ?? ''} ${oneLine(letter.failure.error)}`,
    );
  }
  return 0;
}

function show(letter: DeadLetter, print: (line: string) => void): void {
  const f = letter.failure;
  print(letter.id);
  print(
    `  failed on     ${letter.originalTopic} partition ${f.originalPartition ?? '?'} offset ${f.originalOffset ?? '?'}`,
  );
  print(
    `  consumer      ${f.consumerGroup ?? '-'} after ${f.attempts ?? '?'} attempt(s), at ${f.failedAt ?? '-'}`,
  );
  print(`  reason        ${f.reason ?? '-'}${f.errorCode ? ` (${f.errorCode})` : ''}`);
  print(`  error         ${f.error ?? '-'}`);
  if (f.replayOf) print(`  replay of     ${f.replayOf}`);
  print(`  key           ${letter.record.key ?? '(none)'}`);
  print(`  headers       ${JSON.stringify(letter.originalHeaders)}`);
  print(`  payload`);
  print(indent(pretty(letter.record.value)));
}

/** `<offset>` or `<partition>:<offset>`. */
function select(letters: readonly DeadLetter[], wanted: readonly string[]): DeadLetter[] {
  return letters.filter((letter) =>
    wanted.some((want) => {
      const [first, second] = want.split(':');
      return second === undefined
        ? letter.record.offset === first
        : String(letter.record.partition) === first && letter.record.offset === second;
    }),
  );
}

function notFound(print: (line: string) => void, topic: string, wanted: readonly string[]): number {
  print(`No dead letter at ${wanted.join(', ')} in ${topic}; see npm run dlq -- list ${topic}`);
  return 1;
}

function usage(print: (line: string) => void): number {
  print(DEAD_LETTER_USAGE);
  return 2;
}

function pretty(value: Buffer | null): string {
  if (value === null) return '(null)';
  const text = value.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function oneLine(text: string | undefined): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
