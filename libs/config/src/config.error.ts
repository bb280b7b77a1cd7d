/** Thrown at start-up when the environment is incomplete or wrong; the message says what to set. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${service} cannot start: its configuration is invalid.\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet these environment variables (see .env.example) and start it again.',
    );
  }
}
