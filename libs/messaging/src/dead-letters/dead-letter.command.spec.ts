import { describe, expect, it } from '@jest/globals';
import { DeadLetterHeaders } from '../consuming/dead-letter-headers.js';
import type { OutgoingMessage } from '../publishing/message-publisher.js';
import type { DeadLetterRecord } from './dead-letter.js';
import { runDeadLetterCommand } from './dead-letter.command.js';
import { DeadLetterQueues, type DeadLetterTopic } from './dead-letter-queues.js';

const TOPIC = 'shop.widget-registered.v1';
const DLQ = `${TOPIC}.dlq`;

function parked(
  offset: number,
  value: string,
  extra: Record<string, string> = {},
): DeadLetterRecord {
  return {
    topic: DLQ,
    partition: 0,
    offset: String(offset),
    key: `key-${offset}`,
    value: Buffer.from(value),
    headers: {
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      [DeadLetterHeaders.reason]: 'handler-failed',
      [DeadLetterHeaders.errorName]: 'WidgetError',
      [DeadLetterHeaders.errorMessage]: `widget ${offset} exploded`,
      [DeadLetterHeaders.errorCode]: 'WIDGETS.CANNOT_APPLY',
      [DeadLetterHeaders.originalTopic]: TOPIC,
      [DeadLetterHeaders.originalPartition]: '2',
      [DeadLetterHeaders.originalOffset]: String(40 + offset),
      [DeadLetterHeaders.consumerGroup]: 'atlas-widgets',
      [DeadLetterHeaders.attempts]: '5',
      [DeadLetterHeaders.failedAt]: '2026-11-26T10:00:00.000Z',
      ...extra,
    },
  };
}

class FakeQueues extends DeadLetterQueues {
  readonly published: OutgoingMessage[] = [];
  constructor(private readonly records: DeadLetterRecord[]) {
    super();
  }
  async topics(): Promise<DeadLetterTopic[]> {
    return [
      { topic: DLQ, count: this.records.length },
      { topic: 'other.topic.v1.dlq', count: 0 },
    ];
  }
  async read(topic: string): Promise<DeadLetterRecord[]> {
    if (topic !== DLQ) throw new Error(`There is no topic ${topic}`);
    return this.records;
  }
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    this.published.push(...messages);
  }
  async close(): Promise<void> {}
}

async function run(queues: DeadLetterQueues, ...args: string[]) {
  const lines: string[] = [];
  const code = await runDeadLetterCommand(
    args,
    queues,
    (line) => lines.push(line),
    () => new Date('2026-11-27T09:00:00Z'),
  );
  return { code, output: lines.join('\n') };
}

const records = () => [parked(0, '{"eventId":"e-0","widgetId":"w"}'), parked(1, 'not json at all')];

describe('npm run dlq', () => {
  it('lists the dead-letter topics that hold messages', async () => {
    const { code, output } = await run(new FakeQueues(records()), 'list');
    expect(code).toBe(0);
    expect(output).toBe(`${DLQ}  2 messages`);
  });

  it('lists the dead letters of a topic, named by the topic or its .dlq', async () => {
    const byTopic = await run(new FakeQueues(records()), 'list', TOPIC);
    const byDlq = await run(new FakeQueues(records()), 'list', DLQ);
    expect(byTopic).toEqual(byDlq);
    expect(byTopic.output).toContain(`${DLQ}: 2 dead letters`);
    expect(byTopic.output).toMatch(
      /0:0 .*handler-failed .*eventId e-0 .*WIDGETS\.CANNOT_APPLY WidgetError: widget 0 exploded/,
    );
    expect(byTopic.output).toMatch(/0:1 .*eventId - /);
  });

  it('shows one dead letter in full', async () => {
    const { code, output } = await run(new FakeQueues(records()), 'show', TOPIC, '0');
    expect(code).toBe(0);
    expect(output).toContain(`failed on     ${TOPIC} partition 2 offset 40`);
    expect(output).toContain('consumer      atlas-widgets after 5 attempt(s)');
    expect(output).toContain('"widgetId": "w"');
    expect(output).toContain('"traceparent"');
    expect(output).not.toContain('"x-dlq-reason"');
  });

  it('replays the chosen dead letters to their original topic, marked as replays', async () => {
    const queues = new FakeQueues(records());
    const { code, output } = await run(queues, 'replay', TOPIC, '0:1');
    expect(code).toBe(0);
    expect(output).toBe(`replayed ${DLQ}/0/1 (eventId -) to ${TOPIC}`);
    expect(queues.published).toEqual([
      {
        topic: TOPIC,
        key: 'key-1',
        value: Buffer.from('not json at all'),
        headers: {
          traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
          [DeadLetterHeaders.replayOf]: `${DLQ}/0/1`,
          [DeadLetterHeaders.replayedAt]: '2026-11-27T09:00:00.000Z',
        },
      },
    ]);
  });

  it('replays them all, in order, and drops an earlier replay’s marks', async () => {
    const again = parked(2, '{"eventId":"e-2"}', {
      [DeadLetterHeaders.replayOf]: `${DLQ}/0/0`,
      [DeadLetterHeaders.replayedAt]: '2026-11-26T11:00:00.000Z',
    });
    const queues = new FakeQueues([...records(), again]);
    const { code } = await run(queues, 'replay', TOPIC, '--all');
    expect(code).toBe(0);
    expect(queues.published.map((message) => message.key)).toEqual(['key-0', 'key-1', 'key-2']);
    expect(queues.published[2]?.headers[DeadLetterHeaders.replayOf]).toBe(`${DLQ}/0/2`);
    expect((await run(queues, 'show', TOPIC, '2')).output).toContain(`replay of     ${DLQ}/0/0`);
  });

  it('says so when nothing matches, and shows the usage for a wrong command', async () => {
    const queues = new FakeQueues(records());
    await expect(run(queues, 'replay', TOPIC, '7')).resolves.toMatchObject({ code: 1 });
    expect(queues.published).toEqual([]);
    await expect(run(queues, 'replay', TOPIC)).resolves.toMatchObject({ code: 2 });
    const usage = await run(queues, 'purge');
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('npm run dlq -- replay <topic> --all');
  });
});
