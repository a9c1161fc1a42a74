/**
 * The OpenAPI fuzz suite (`npm run fuzz`): the root config's transforms, its own test match, and
 * a timeout that grows with FUZZ_RUNS so that a long run (`npm run fuzz -- --runs 5000`) is not
 * cut short by Jest. test/fuzz/run.js sets the environment from the command line.
 */
const root = require('../../jest.config.js');

const base = root.projects[0];
const runs = Number(process.env.FUZZ_RUNS ?? 150);

module.exports = {
  moduleFileExtensions: base.moduleFileExtensions,
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '^.+\\.m?js$': '<rootDir>/test/jest/esm-to-cjs.js',
  },
  transformIgnorePatterns: base.transformIgnorePatterns,
  moduleNameMapper: base.moduleNameMapper,
  testEnvironment: 'node',
  rootDir: require('node:path').join(__dirname, '..', '..'),
  testMatch: ['<rootDir>/test/fuzz/**/*.fuzz-spec.ts'],
  // About 100 operations × runs requests, each well under 50 ms, plus start-up and shrinking.
  testTimeout: Math.max(600_000, runs * 100 * 50 * 4),
};
