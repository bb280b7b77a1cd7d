import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's LoggerService on top of the app's pino logger, so framework messages and
 * `new Logger(Context)` calls come out as the same JSON lines as request logs.
 *
 * Nest passes the context (the class name) as the last string argument:
 * `log(message, context)`, `error(message, stack, context)`, `log({ fields }, 'text', context)`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    let text: string | undefined;

    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      const first = rest[0];
      if (typeof first === 'string') {
        text = first;
        rest.shift();
      }
    } else {
      text = String(message);
    }
    const stack = rest.find((param): param is string => typeof param === 'string');
    if (stack && level === 'error' && stack.includes('\n')) fields.stack = stack;

    this.logger[level](fields, text);
  }
}
