// Jest runs the ESM sources directly through swc (decorators and their metadata on),
// so tests exercise the same code that `npm run build` emits, without a build step.
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#atlas/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
export default {
  // Once per run, for every project: find (or start) PostgreSQL, Redis and Kafka, and report
  // at the end which servers each integration and e2e suite used. See libs/testing.
  globalSetup: '<rootDir>/libs/testing/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/testing/jest/global-teardown.mjs',
  reporters: ['default', '<rootDir>/libs/testing/jest/infra-reporter.mjs'],
  projects: [
    // One class at a time; mocks allowed, no network.
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,infra,test}/**/*.spec.ts'],
    },
    // Real PostgreSQL, Redis and Kafka (see libs/testing for how they are found).
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,infra}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/jest/timeout.integration.mjs'],
    },
    // Journeys across services, deployment files, security: everything under test/.
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/jest/timeout.e2e.mjs'],
    },
  ],
};
