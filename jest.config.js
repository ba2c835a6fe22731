// One jest run over every package. Sources are transpiled by ts-jest (isolatedModules: types are
// checked by `pnpm typecheck`), and @replikit/* resolve to their src/ so tests never need a build.
/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/integration-tests'],
  testMatch: ['**/src/**/*.test.ts', '<rootDir>/integration-tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, sourceMap: true, isolatedModules: true } }],
  },
  moduleNameMapper: {
    '^@replikit/([a-z-]+)/internal$': '<rootDir>/packages/$1/src/internal.ts',
    '^@replikit/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 30000,
};
module.exports = config;
