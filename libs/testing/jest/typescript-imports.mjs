// Jest loads its globalSetup, globalTeardown and reporters with Node itself, not through the
// swc transform it applies to tests, so the TypeScript behind them runs on Node 24's built-in
// type stripping. Node does not map `./x.js` to `./x.ts` the way tsc and jest's
// moduleNameMapper do; this hook does, for relative imports made from .ts files.
import { registerHooks } from 'node:module';

let registered = false;

export function allowTypeScriptImports() {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const fromTypeScript = context.parentURL?.endsWith('.ts') ?? false;
      if (fromTypeScript && specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
      }
      return nextResolve(specifier, context);
    },
  });
}
