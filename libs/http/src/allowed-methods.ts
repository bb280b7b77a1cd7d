/**
 * The methods each route path answers, so that a known path asked with a method it does not
 * take gets 405 with `Allow` (RFC 9110 §15.5.6) instead of a 404 that hides the path exists.
 * Paths are matched segment by segment: `:param` takes any one segment, `*` the rest.
 */
export class AllowedMethods {
  private readonly routes: { segments: readonly string[]; methods: Set<string> }[] = [];

  add(method: string | readonly string[], url: string): void {
    const segments = split(url);
    let route = this.routes.find((candidate) => same(candidate.segments, segments));
    if (!route) {
      route = { segments, methods: new Set() };
      this.routes.push(route);
    }
    for (const one of typeof method === 'string' ? [method] : method) route.methods.add(one);
  }

  /** Every method some route takes at `path` (its query string ignored), sorted. */
  for(path: string): string[] {
    const segments = split(path.split('?')[0] ?? '');
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (matches(route.segments, segments))
        for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i += 1) {
    const segment = pattern[i] ?? '';
    if (segment === '*') return true;
    const actual = path[i];
    if (actual === undefined) return false;
    if (!segment.startsWith(':') && segment !== actual) return false;
  }
  return pattern.length === path.length;
}
