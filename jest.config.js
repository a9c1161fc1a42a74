/**
 * Unit tests (next to the code) and e2e suites, one run: `npm test`.
 *
 * NestJS 12 and some of its dependencies are ES modules; Jest's module loader `require`s only
 * CommonJS, so such files in node_modules are compiled to CommonJS at test time
 * (test/jest/esm-to-cjs.js). The build itself runs on Node's own require(esm).
 */
const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '^.+\\.m?js$': '<rootDir>/test/jest/esm-to-cjs.js',
  },
  transformIgnorePatterns: [],
  moduleNameMapper: { '^src/(.*)$': '<rootDir>/src/$1' },
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      ...base,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
