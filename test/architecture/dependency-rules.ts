import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { LIBRARY_LAYERS, isLibraryName, type Layer } from './library-layers.js';

/** What the rules forbid, one name each: the names a violation is reported under. */
export const RULE_NAMES = [
  'app-imports-app',
  'launcher-imports-app-internals',
  'library-imports-app',
  'library-imports-higher-layer',
  'production-imports-test-harness',
  'import-past-index',
  'library-imports-own-index',
  'import-cycle',
  'unresolved-import',
] as const;

export type RuleName = (typeof RULE_NAMES)[number];

export interface Violation {
  readonly rule: RuleName;
  readonly from: string;
  readonly to: string;
}

/** The one app allowed to import others: embedded mode runs all six in one process. */
const LAUNCHER = 'embedded';

/** Test code: specs, and the test/ folders of the repository and of each app or library. */
const TEST_CODE = ['\\.(spec|int-spec|e2e-spec)\\.ts$', '^test/', '^(apps|libs)/[^/]+/test/'];

/** Where the tree's TypeScript lives, relative to the root. */
const SOURCE_ROOTS = ['apps', 'libs', 'infra', 'test', 'bench'];

/**
 * The dependency rules of the tree at `root`: the libraries come from the folders under
 * `libs/` and their layers from LIBRARY_LAYERS, so a new library needs only its line there.
 */
export function dependencyRules(root: string): IForbiddenRuleType[] {
  const libraries = libraryFolders(root);
  return [
    {
      name: 'app-imports-app',
      comment: 'Services share code through libs/, never by importing another app.',
      from: { path: `^apps/(?!${LAUNCHER}/)([^/]+)/` },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'launcher-imports-app-internals',
      comment: `apps/${LAUNCHER} starts each app from its definition, <name>.app.ts, and nothing else.`,
      from: { path: `^apps/${LAUNCHER}/` },
      to: { path: `^apps/(?!${LAUNCHER}/)`, pathNot: '^apps/[^/]+/src/[^/]+\\.app\\.ts$' },
    },
    {
      name: 'library-imports-app',
      comment: 'Apps, tests, benchmarks and infra scripts stand above every library.',
      from: { path: '^libs/' },
      to: { path: '^(apps|bench|infra|test)/' },
    },
    ...libraries.flatMap((library) => libraryRules(library)),
    {
      name: 'library-imports-own-index',
      comment:
        'Inside a library, siblings by relative path: through the index, barrels make cycles.',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/$1/src/index\\.ts$' },
    },
    { name: 'import-cycle', from: {}, to: { circular: true } },
    {
      name: 'unresolved-import',
      comment: 'An import the rules cannot follow would escape them.',
      from: {},
      to: { couldNotResolve: true },
    },
  ];
}

function libraryRules(library: string): IForbiddenRuleType[] {
  const rules: IForbiddenRuleType[] = [
    {
      name: 'import-past-index',
      comment: `From outside libs/${library}, #atlas/${library} (its src/index.ts) is the only way in.`,
      from: { pathNot: `^libs/${library}/` },
      to: { path: `^libs/${library}/`, pathNot: `^libs/${library}/src/index\\.ts$` },
    },
  ];
  if (!isLibraryName(library)) return rules; // reported by the test as a missing line
  const layer: Layer = LIBRARY_LAYERS[library];
  if (layer === 'tests') {
    rules.push({
      name: 'production-imports-test-harness',
      comment: `libs/${library} is for test code only.`,
      from: { pathNot: [...TEST_CODE, `^libs/${library}/`] },
      to: { path: `^libs/${library}/` },
    });
    return rules;
  }
  const higher = Object.entries(LIBRARY_LAYERS)
    .filter(
      ([other, otherLayer]) => other !== library && otherLayer !== 'tests' && otherLayer >= layer,
    )
    .map(([other]) => other);
  if (higher.length > 0) {
    rules.push({
      name: 'library-imports-higher-layer',
      comment: `libs/${library} is in layer ${layer}: it imports only libraries below it.`,
      from: { path: `^libs/${library}/` },
      to: { path: `^libs/(${higher.join('|')})/` },
    });
  }
  return rules;
}

/** The folders under `libs/`: every one of them is a library. */
export function libraryFolders(root: string): string[] {
  return readdirSync(join(root, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .toSorted();
}

/** The folders under `libs/` that LIBRARY_LAYERS has no line for. */
export function librariesWithoutLayer(root: string): string[] {
  return libraryFolders(root).filter((library) => !isLibraryName(library));
}

/** Every import in the tree at `root` that breaks a rule. */
export async function findViolations(root: string): Promise<Violation[]> {
  return violationsIn(await cruiseTree(root));
}

/** Every module of the tree at `root` with its imports, checked against the rules. */
export async function cruiseTree(root: string): Promise<ICruiseResult> {
  const roots = SOURCE_ROOTS.filter((folder) => existsSync(join(root, folder)));
  const { output } = await cruise(
    roots,
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: dependencyRules(root) },
      // Type-only imports count: a type import past an index couples as much as any other.
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '(^|/)(node_modules|dist|coverage|\\.atlas)/' },
    },
    // `#atlas/<library>` resolves through package.json "imports" to the library's index.ts;
    // packages through their "exports" (`csv-parse/sync`), as Node and TypeScript resolve them.
    { conditionNames: ['types', 'import', 'node', 'default'], exportsFields: ['exports'] },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return output;
}

export function violationsIn(result: ICruiseResult): Violation[] {
  return (result.summary.violations ?? [])
    .map((violation) => ({
      rule: ruleNamed(violation.rule.name),
      from: violation.from,
      to: violation.to,
    }))
    .toSorted((a, b) => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`));
}

/**
 * Which libraries each library's own code imports (its tests left out), as `library ->
 * [imported, ...]`, sorted: the picture docs/architecture.md draws.
 */
export function libraryImports(result: ICruiseResult): Map<string, string[]> {
  const imports = new Map<string, Set<string>>();
  const testCode = TEST_CODE.map((pattern) => new RegExp(pattern));
  for (const module of result.modules) {
    const from = libraryOf(module.source);
    if (from === undefined || testCode.some((pattern) => pattern.test(module.source))) continue;
    const imported = imports.get(from) ?? new Set<string>();
    imports.set(from, imported);
    for (const dependency of module.dependencies) {
      const to = libraryOf(dependency.resolved);
      if (to !== undefined && to !== from) imported.add(to);
    }
  }
  return new Map(
    [...imports]
      .toSorted(([a], [b]) => a.localeCompare(b))
      .map(([from, to]) => [from, [...to].toSorted()]),
  );
}

function libraryOf(path: string): string | undefined {
  return /^libs\/([^/]+)\//.exec(path)?.[1];
}

function ruleNamed(name: string): RuleName {
  const rule = RULE_NAMES.find((known) => known === name);
  if (rule === undefined) throw new Error(`dependency-cruiser reported an unknown rule "${name}"`);
  return rule;
}
