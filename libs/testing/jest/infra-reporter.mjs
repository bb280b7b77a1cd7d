// Referenced from jest.config.js; the code lives in ../src/hooks/infra-reporter.ts (see typescript-imports.mjs).
import { allowTypeScriptImports } from './typescript-imports.mjs';

allowTypeScriptImports();
const { default: InfraReporter } = await import('../src/hooks/infra-reporter.ts');
export default InfraReporter;
