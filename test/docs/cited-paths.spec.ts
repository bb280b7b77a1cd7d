import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { missingCitations } from './cited-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the paths the documentation cites', () => {
  it('all exist in this repository', () => {
    expect(missingCitations(ROOT)).toEqual([]);
  });
});

describe('missingCitations', () => {
  const trees: string[] = [];
  afterAll(() => {
    for (const tree of trees) rmSync(tree, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'atlas-cited-paths-'));
    trees.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
  const code = {
    'apps/orders/src/read-model/order.projector.ts': '',
    'apps/orders/src/saga/order-saga.service.ts': '',
    'libs/contracts/src/asyncapi/asyncapi-document.ts': '',
  };

  it('finds a path that moved, a file name that is gone and a broken link', () => {
    const root = tree({
      ...code,
      'README.md': 'See `libs/contracts/src/asyncapi-document.ts` and [the guide](docs/gone.md).',
      'docs/orders.md': 'The projector (`order.projector.ts`) and `order-view.projector.ts`.',
    });

    expect(missingCitations(root)).toEqual([
      { file: 'README.md', cited: 'docs/gone.md' },
      { file: 'README.md', cited: 'libs/contracts/src/asyncapi-document.ts' },
      { file: 'docs/orders.md', cited: 'order-view.projector.ts' },
    ]);
  });

  it('accepts folders, braces, globs, partial paths, placeholders and line numbers', () => {
    const root = tree({
      ...code,
      'README.md': [
        '`apps/orders/src/{read-model,saga}` `apps/*/src/saga/` `saga/order-saga.service.ts`',
        '`apps/<app>/src` `apps/orders/src/saga/order-saga.service.ts:12` [up](apps/orders/)',
        '`http://127.0.0.1:3000/v1` `curl` `@nestjs/graphql`',
      ].join('\n'),
    });

    expect(missingCitations(root)).toEqual([]);
  });
});
