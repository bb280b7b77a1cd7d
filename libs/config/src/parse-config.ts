import { z } from 'zod';
import { ConfigError } from './config.error.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once, at start, against the service's schema. Every problem is
 * reported at once, each naming its variable, what was wrong and (from the schema's
 * description) an example of a good value.
 */
export function parseConfig<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  env: Env,
): z.output<Schema> {
  // Empty strings count as unset, as shells and compose files often leave `VAR=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    service,
    result.error.issues.map((issue) => describe(issue, schema)),
  );
}

function describe(issue: z.core.$ZodIssue, schema: z.ZodType): string {
  const variable = issue.path.join('.') || '(environment)';
  const hint = issue.path.length === 1 ? hintFor(schema, String(issue.path[0])) : undefined;
  const received = issue.code === 'invalid_type' && issue.input === undefined;
  const what = received ? 'is required' : issue.message;
  return hint ? `${variable} ${what} (${hint})` : `${variable} ${what}`;
}

/** The `.describe()` text of one variable, looked up through refinements and transforms. */
function hintFor(schema: z.core.$ZodType, key: string): string | undefined {
  if (schema instanceof z.ZodObject) {
    const field: z.core.$ZodType | undefined = schema.shape[key];
    return field ? z.globalRegistry.get(field)?.description : undefined;
  }
  if (schema instanceof z.ZodPipe) return hintFor(schema.in, key);
  return undefined;
}
