import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ICruiseResult } from 'dependency-cruiser';
import { documentedLibraries, drawnImports, drawnLayers } from './architecture-doc.js';
import {
  cruiseTree,
  findViolations,
  librariesWithoutLayer,
  libraryFolders,
  libraryImports,
  RULE_NAMES,
  type RuleName,
  type Violation,
  violationsIn,
} from './dependency-rules.js';
import { isLibraryName, LIBRARY_LAYERS } from './library-layers.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('this repository', () => {
  let tree: ICruiseResult;
  beforeAll(async () => {
    tree = await cruiseTree(ROOT);
  });

  it('keeps every dependency rule', () => {
    expect(violationsIn(tree)).toEqual([]);
  });

  it('gives every library under libs/ a line in the layer table', () => {
    expect(librariesWithoutLayer(ROOT)).toEqual([]);
  });

  describe('docs/architecture.md', () => {
    const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const libraries = libraryFolders(ROOT).filter(isLibraryName);

    it('lists every library with its layer and the libraries its code imports', () => {
      const imports = libraryImports(tree);
      const actual = libraries.map((library) => ({
        library,
        layer: String(LIBRARY_LAYERS[library]),
        imports: imports.get(library) ?? [],
      }));
      const byName = (a: { library: string }, b: { library: string }) =>
        a.library.localeCompare(b.library);
      expect(documentedLibraries(page).toSorted(byName)).toEqual(actual.toSorted(byName));
    });

    it('draws those imports as its arrows, and no others', () => {
      const imports = [...libraryImports(tree)].filter(([, imported]) => imported.length > 0);
      expect(Object.fromEntries(drawnImports(page))).toEqual(Object.fromEntries(imports));
    });

    it('draws every library inside its layer', () => {
      const drawn = drawnLayers(page);
      const expected = libraries.map((library) => {
        const layer = LIBRARY_LAYERS[library];
        return [library, layer === 'tests' ? 'harness' : `layer${layer}`];
      });
      expect(libraries.map((library) => [library, drawn.get(library)])).toEqual(expected);
    });
  });
});

/**
 * A small tree where each allowed kind of import occurs: an app to a library's index, a
 * library to a lower one, siblings by relative path, tests to the harness, the launcher to an
 * app's definition, a journey to an app's code. Each file imports the modules listed.
 */
const ALLOWED_TREE: Readonly<Record<string, readonly string[]>> = {
  'libs/contracts/src/index.ts': [],
  'libs/http/src/index.ts': ['./problem.js'],
  'libs/http/src/problem.ts': ['#atlas/contracts'],
  'libs/http/src/status.ts': ['./problem.js'],
  'libs/persistence/src/index.ts': [],
  'libs/embedded-broker/src/index.ts': ['#atlas/contracts'],
  'libs/messaging/src/index.ts': ['#atlas/http'],
  'libs/messaging/src/relay.ts': ['#atlas/http'],
  'libs/messaging/src/embedded-transport.ts': ['#atlas/embedded-broker'],
  'libs/messaging/src/relay.spec.ts': ['./relay.js', '#atlas/testing'],
  'libs/testing/src/index.ts': ['#atlas/persistence'],
  'apps/orders/src/orders.app.ts': ['./orders.module.js'],
  'apps/orders/src/orders.module.ts': ['./orders.service.js', '#atlas/persistence'],
  'apps/orders/src/orders.service.ts': ['#atlas/messaging'],
  'apps/orders/src/orders.controller.ts': ['#atlas/http'],
  'apps/catalog/src/stock.service.ts': ['#atlas/contracts'],
  'apps/embedded/src/platform.ts': ['../../orders/src/orders.app.js'],
  'test/journeys/order-journey.ts': ['../../apps/orders/src/orders.service.js', '#atlas/testing'],
};

/**
 * Each rule proves it can fail: the allowed tree, with one file importing one module more (one
 * that does not import it back, or the new import would be reported as a cycle as well).
 */
const FORBIDDEN: readonly (Violation & { readonly imports: string })[] = [
  {
    rule: 'app-imports-app',
    from: 'apps/catalog/src/stock.service.ts',
    imports: '../../orders/src/orders.service.js',
    to: 'apps/orders/src/orders.service.ts',
  },
  {
    rule: 'launcher-imports-app-internals',
    from: 'apps/embedded/src/platform.ts',
    imports: '../../orders/src/orders.service.js',
    to: 'apps/orders/src/orders.service.ts',
  },
  {
    rule: 'library-imports-app',
    from: 'libs/persistence/src/index.ts',
    imports: '../../../apps/catalog/src/stock.service.js',
    to: 'apps/catalog/src/stock.service.ts',
  },
  {
    rule: 'library-imports-higher-layer',
    from: 'libs/persistence/src/index.ts',
    imports: '#atlas/embedded-broker',
    to: 'libs/embedded-broker/src/index.ts',
  },
  {
    // The line given to the embedded broker's library: a layer below messaging.
    rule: 'library-imports-higher-layer',
    from: 'libs/embedded-broker/src/index.ts',
    imports: '#atlas/messaging',
    to: 'libs/messaging/src/index.ts',
  },
  {
    rule: 'production-imports-test-harness',
    from: 'apps/orders/src/orders.module.ts',
    imports: '#atlas/testing',
    to: 'libs/testing/src/index.ts',
  },
  {
    rule: 'import-past-index',
    from: 'apps/orders/src/orders.controller.ts',
    imports: '../../../libs/http/src/problem.js',
    to: 'libs/http/src/problem.ts',
  },
  {
    rule: 'library-imports-own-index',
    from: 'libs/messaging/src/relay.ts',
    imports: '#atlas/messaging',
    to: 'libs/messaging/src/index.ts',
  },
  {
    rule: 'import-cycle',
    from: 'libs/http/src/problem.ts',
    imports: './status.js',
    to: 'libs/http/src/status.ts',
  },
  {
    rule: 'unresolved-import',
    from: 'libs/http/src/problem.ts',
    imports: './problem-types.js',
    to: './problem-types.js',
  },
];

describe('on a small tree', () => {
  const trees: string[] = [];
  afterAll(() => {
    for (const tree of trees) rmSync(tree, { recursive: true, force: true });
  });
  const treeWith = (extra?: { readonly file: string; readonly imports: string }): string => {
    const root = mkdtempSync(join(tmpdir(), 'atlas-dependency-rules-'));
    trees.push(root);
    const files = { ...ALLOWED_TREE };
    if (extra) files[extra.file] = [...(files[extra.file] ?? []), extra.imports];
    write(root, 'package.json', JSON.stringify({ type: 'module', imports: ATLAS_IMPORTS }));
    for (const [file, imports] of Object.entries(files)) write(root, file, moduleOf(imports));
    return root;
  };

  it('reports nothing where every import is allowed', async () => {
    expect(await findViolations(treeWith())).toEqual([]);
  });

  it.each(FORBIDDEN)('reports $rule: $from imports $to', async ({ imports, ...expected }) => {
    const violations = await findViolations(treeWith({ file: expected.from, imports }));
    // A cycle is reported at each of its files; the file with the new import is the one here.
    expect(violations.filter((violation) => violation.from === expected.from)).toEqual([expected]);
    expect(violations.map((violation) => violation.rule)).toEqual(
      violations.map(() => expected.rule),
    );
  });

  it('has a forbidden import for every rule', () => {
    const covered = new Set<RuleName>(FORBIDDEN.map((forbidden) => forbidden.rule));
    expect([...covered].toSorted()).toEqual([...RULE_NAMES].toSorted());
  });

  it('finds a folder under libs/ with no line in the layer table', () => {
    const root = treeWith({ file: 'libs/scheduling/src/index.ts', imports: '#atlas/contracts' });
    expect(librariesWithoutLayer(root)).toEqual(['scheduling']);
  });
});

/** The repository's own `#atlas/*` subpath imports, as in package.json. */
const ATLAS_IMPORTS = {
  '#atlas/*': { types: './libs/*/src/index.ts', default: './libs/*/src/index.js' },
};

function moduleOf(imports: readonly string[]): string {
  const lines = imports.map((specifier, i) => `import * as imported${i} from '${specifier}';`);
  return `${lines.join('\n')}\nexport const uses = [${imports.map((_, i) => `imported${i}`).join(', ')}];\n`;
}

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}
