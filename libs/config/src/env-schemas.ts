import { z } from 'zod';

const commaSeparated = () =>
  z.string().transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );

/**
 * Building blocks for service configuration schemas. Each variable carries a description
 * that doubles as the hint printed when it is missing or wrong.
 */
export const envVar = {
  port: (fallback: number) =>
    z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(fallback)
      .describe(`a TCP port, default ${fallback}`),

  url: (example: string, protocols: readonly string[]) =>
    z
      .url({ protocol: new RegExp(`^(${protocols.join('|')})$`) })
      .describe(`a URL such as ${example}`),

  /** One URL or several, comma-separated (the instances of one service, say). */
  urlList: (example: string, protocols: readonly string[]) =>
    commaSeparated()
      .pipe(z.array(z.url({ protocol: new RegExp(`^(${protocols.join('|')})$`) })).min(1))
      .describe(`one URL or a comma-separated list such as ${example}`),

  list: (example: string) => commaSeparated().describe(`a comma-separated list such as ${example}`),

  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1')
      .describe(`true or false, default ${fallback}`),

  /** A boolean without a default, for settings whose default depends on another variable. */
  flag: (meaning: string) =>
    z
      .enum(['true', 'false', '1', '0'])
      .transform((value) => value === 'true' || value === '1')
      .optional()
      .describe(`true or false: ${meaning}`),

  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number()
      .int()
      .min(min)
      .max(max)
      .default(fallback)
      .describe(`an integer from ${min}, default ${fallback}`),

  text: (example: string) => z.string().min(1).describe(`for example ${example}`),
};

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
