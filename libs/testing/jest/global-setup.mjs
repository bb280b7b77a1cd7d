// Referenced from jest.config.js; the code lives in ../src/hooks/global-setup.ts (see typescript-imports.mjs).
import { allowTypeScriptImports } from './typescript-imports.mjs';

allowTypeScriptImports();
const { default: globalSetup } = await import('../src/hooks/global-setup.ts');
export default globalSetup;
