/** A row of docs/architecture.md's table of libraries. */
export interface DocumentedLibrary {
  readonly library: string;
  readonly layer: string;
  readonly imports: readonly string[];
}

/**
 * The rows of the page's table whose first cell is a library (`| \`http\` | 1 | ... |
 * \`contracts\` |`): its name, its layer and the libraries in its last cell.
 */
export function documentedLibraries(markdown: string): DocumentedLibrary[] {
  return markdown
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => /^`[\w-]+`$/.test(cells[1] ?? ''))
    .map((cells) => ({
      library: unquote(cells[1] ?? ''),
      layer: cells[2] ?? '',
      imports: (cells.at(-2) ?? '')
        .split(',')
        .map((name) => unquote(name.trim()))
        .filter((name) => name !== '' && name !== '—'),
    }));
}

/** The arrows `a --> b` of the page's mermaid picture, as `a -> [b, ...]`. */
export function drawnImports(markdown: string): Map<string, string[]> {
  const drawn = new Map<string, string[]>();
  for (const line of mermaidLines(markdown)) {
    const arrow = /^([\w-]+) --> ([\w-]+)$/.exec(line);
    if (!arrow?.[1] || !arrow[2]) continue;
    drawn.set(arrow[1], [...(drawn.get(arrow[1]) ?? []), arrow[2]].toSorted());
  }
  return drawn;
}

/** The subgraph each plain node of the picture is drawn in: `http -> layer1`. */
export function drawnLayers(markdown: string): Map<string, string> {
  const drawn = new Map<string, string>();
  let subgraph: string | undefined;
  for (const line of mermaidLines(markdown)) {
    const opening = /^subgraph ([\w-]+)/.exec(line);
    if (opening) subgraph = opening[1];
    else if (line === 'end') subgraph = undefined;
    else if (subgraph && /^[\w-]+$/.test(line)) drawn.set(line, subgraph);
  }
  return drawn;
}

function mermaidLines(markdown: string): string[] {
  const block = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
  return block.split('\n').map((line) => line.trim());
}

function unquote(cell: string): string {
  return cell.replace(/^`|`$/g, '');
}
