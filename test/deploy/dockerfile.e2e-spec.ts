import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './kubernetes-objects.js';

interface Instruction {
  readonly keyword: string;
  readonly argument: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Instructions grouped by stage; comments dropped, continuation lines joined. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logicalLines = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replaceAll(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const args = new Map<string, string>();
  const stages: Array<{ from: string; name: string | undefined; instructions: Instruction[] }> = [];
  for (const line of logicalLines) {
    const [, keyword = '', argument = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), argument };
    if (instruction.keyword === 'FROM') {
      const [image = '', , name] = argument.split(/\s+/);
      const resolved = image.replace(/^\$\{(\w+)\}$/, (_, arg: string) => args.get(arg) ?? image);
      stages.push({ from: resolved, name, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = argument.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const runtime = dockerfile.stages.at(-1);
const build = dockerfile.stages[0];

function instructions(stage: Stage | undefined, keyword: string): string[] {
  return (stage?.instructions ?? [])
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.argument);
}

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on Node 24', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages)
      expect(stage.from).toMatch(/^node:24[.\w-]*-(slim|alpine)/);
  });

  it('installs exactly the lockfile, builds, then drops the dev dependencies', () => {
    const copied = instructions(build, 'COPY').join(' ');
    expect(copied).toContain('package-lock.json');
    const runs = instructions(build, 'RUN').join(' && ');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toMatch(/\bnpm (install|i)\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    expect(runs.indexOf('npm run build')).toBeLessThan(runs.indexOf('npm prune'));
  });

  it('copies into the runtime image only what runs, from the build stage', () => {
    const copies = instructions(runtime, 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies)
      expect(copy).toMatch(new RegExp(`^--from=${build?.name ?? '\\S+'}\\s`));
    expect(copies.join(' ')).toContain('/app/dist/apps/${APP}');
    expect(copies.join(' ')).not.toMatch(/\s\.\s/); // no `COPY . .` of the whole context
  });

  it('builds the app named by the APP build argument', () => {
    expect(instructions(runtime, 'ARG')).toContain('APP');
    expect(instructions(build, 'ARG')).toContain('APP');
  });

  it('runs as a numeric non-root user', () => {
    const [user] = instructions(runtime, 'USER').slice(-1);
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user?.split(':')[0]).not.toBe('0');
  });

  it('starts node directly in exec form, with OpenTelemetry registered first, and stops on SIGTERM', () => {
    expect(instructions(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(instructions(runtime, 'ENTRYPOINT')).toEqual([]);
    const [cmd] = instructions(runtime, 'CMD');
    const argv: unknown = JSON.parse(cmd ?? 'null');
    expect(argv).toEqual([
      'node',
      '--disable-warning=TimeoutNegativeWarning',
      '--enable-source-maps',
      '--import',
      './dist/libs/observability/src/register.js',
      expect.stringMatching(/^dist\/.*\.js$/),
    ]);
  });

  it('listens on all interfaces in the container', () => {
    expect(instructions(runtime, 'ENV').join(' ')).toMatch(/\bHOST=0\.0\.0\.0\b/);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local state and history out of the build context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''));
    for (const entry of ['node_modules', 'dist', '.atlas', '.git'])
      expect(ignored).toContain(entry);
  });
});
