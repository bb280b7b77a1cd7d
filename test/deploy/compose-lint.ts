import { DCLinter } from 'dclint';

export interface ComposeProblem {
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

/**
 * Lints one Compose file with dclint: the Compose specification schema (always checked, first
 * error only), then dclint's rules, each on unless `rules` turns it off (0).
 */
export function lintComposeFile(
  file: string,
  rules: Record<string, 0 | 1 | 2> = {},
): ComposeProblem[] {
  const linter = new DCLinter({ rules, quiet: false, debug: false, exclude: [] });
  const results: Array<{ filePath: string; messages: ComposeProblem[] }> = linter.lintFiles(
    [file],
    false,
  );
  const result = results.find((candidate) => candidate.filePath === file);
  if (!result) throw new Error(`dclint did not lint ${file}`);
  return result.messages.map(({ line, rule, message }) => ({ line, rule, message }));
}
