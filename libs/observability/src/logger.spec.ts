import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Writable } from 'node:stream';
import { createServiceLogger, traceFields } from './logger.js';
import { PinoNestLogger } from './pino-nest.logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line: unknown = JSON.parse(chunk.toString());
      if (typeof line !== 'object' || line === null)
        throw new Error(`not a JSON object: ${chunk.toString()}`);
      lines.push({ ...line });
      done();
    },
  });
  return { lines, destination };
}

const SPAN = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

describe('createServiceLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('writes JSON lines with the service name, level and ISO time', () => {
    const { lines, destination } = capture();
    createServiceLogger({ service: 'orders', level: 'info', destination }).info(
      { orderId: 'o-1' },
      'placed',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'orders',
      level: 'info',
      orderId: 'o-1',
      msg: 'placed',
    });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('adds the trace and span id of the active span', () => {
    const { lines, destination } = capture();
    const logger = createServiceLogger({ service: 'orders', level: 'info', destination });
    const active = trace.setSpanContext(context.active(), SPAN);
    context.with(active, () => logger.info('inside a span'));
    logger.info('outside any span');
    expect(lines[0]).toMatchObject({
      trace_id: SPAN.traceId,
      span_id: SPAN.spanId,
      trace_flags: '01',
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(traceFields()).toEqual({});
  });

  it('redacts credentials wherever they appear in a logged object', () => {
    const { lines, destination } = capture();
    createServiceLogger({ service: 'auth', level: 'info', destination }).info(
      {
        password: 'hunter2',
        body: { password: 'hunter2', refreshToken: 'r' },
        headers: { authorization: 'Bearer x' },
      },
      'login',
    );
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('Bearer x');
    expect(lines[0]).toMatchObject({ password: '[redacted]', body: { password: '[redacted]' } });
  });
});

describe('PinoNestLogger', () => {
  it('takes the last string argument as the context, as Nest passes it', () => {
    const { lines, destination } = capture();
    const nest = new PinoNestLogger(
      createServiceLogger({ service: 'orders', level: 'debug', destination }),
    );
    nest.log('Mapped {/v1/orders, POST} route', 'RouterExplorer');
    nest.log({ orderId: 'o-2' }, 'order placed', 'OrdersService');
    nest.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'ExceptionHandler');
    expect(lines[0]).toMatchObject({
      context: 'RouterExplorer',
      msg: 'Mapped {/v1/orders, POST} route',
    });
    expect(lines[1]).toMatchObject({
      context: 'OrdersService',
      orderId: 'o-2',
      msg: 'order placed',
    });
    expect(lines[2]).toMatchObject({ level: 'error', context: 'ExceptionHandler', msg: 'boom' });
    expect(String(lines[2]?.stack)).toContain('at x (y.js:1:1)');
  });
});
