// Referenced from jest.config.js; the code lives in ../src/hooks/global-teardown.ts (see typescript-imports.mjs).
import { allowTypeScriptImports } from './typescript-imports.mjs';

allowTypeScriptImports();
const { default: globalTeardown } = await import('../src/hooks/global-teardown.ts');
export default globalTeardown;
