import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A path a Markdown file cites that is not in the tree. */
export interface MissingCitation {
  readonly file: string;
  readonly cited: string;
}

const NOT_THE_TREE = new Set(['.git', '.atlas', 'coverage', 'dist', 'node_modules']);

/** Bare file names in code spans that name Atlas's own files: `order.projector.ts`. */
const OWN_FILE_NAME = /^[\w.-]+(\/[\w.-]+)*\.(ts|md|ya?ml)$/;

/**
 * What the documentation cites that does not exist at `root`: every local link of every
 * Markdown file, and, in the README and docs/, every code span that is a path from the root
 * (`apps/orders/src/saga/`, braces and `*` allowed) or names one of the tree's files
 * (`order.projector.ts`, `saga/order-saga.service.ts`). Placeholders (`apps/<app>`) and URLs are
 * not paths.
 */
export function missingCitations(root: string): MissingCitation[] {
  const files = filesUnder(root);
  const topLevel = new Set(readdirSync(root).filter((name) => !NOT_THE_TREE.has(name)));
  const missing: MissingCitation[] = [];
  for (const file of files.filter((path) => path.endsWith('.md'))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const link of localLinks(text)) {
      if (!existsAt(resolve(root, dirname(file), link))) missing.push({ file, cited: link });
    }
    if (file !== 'README.md' && !file.startsWith('docs/')) continue;
    for (const span of codeSpans(text)) {
      const path = span.replace(/:\d+(-\d+)?$/, ''); // file.ts:42
      if (/[<>]|:\/\//.test(path)) continue;
      const [first = ''] = path.split('/');
      if (topLevel.has(first) && (path.includes('/') || existsAt(join(root, path)))) {
        if (!existsAt(join(root, path))) missing.push({ file, cited: path });
      } else if (
        OWN_FILE_NAME.test(path) &&
        !files.some((f) => f === path || f.endsWith(`/${path}`))
      ) {
        missing.push({ file, cited: path });
      }
    }
  }
  return missing;
}

function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target = '']) => target.split('#')[0] ?? '')
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

function codeSpans(markdown: string): string[] {
  return [...markdown.matchAll(/`([^`\s]+)`/g)].map(([, span = '']) => span);
}

/** A path exists when each of its brace alternatives does; one with `*` must match something. */
function existsAt(path: string): boolean {
  return alternatives(path).every((one) =>
    one.includes('*') ? globSync(one).length > 0 : existsSync(one),
  );
}

function alternatives(path: string): string[] {
  const braces = /\{([^}]*)\}/.exec(path);
  if (!braces) return [path];
  const [whole, choices = ''] = braces;
  return choices.split(',').flatMap((choice) => alternatives(path.replace(whole, choice)));
}

function filesUnder(root: string, folder = ''): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true })
    .filter((entry) => !NOT_THE_TREE.has(entry.name))
    .flatMap((entry) => {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      return entry.isDirectory() ? filesUnder(root, path) : [path];
    });
}
