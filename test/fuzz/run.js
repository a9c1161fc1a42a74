#!/usr/bin/env node
/**
 * `npm run fuzz -- [--seed N] [--runs M] [--op 'POST /api/v1/memories'] [--path P]`
 * Sets FUZZ_SEED / FUZZ_RUNS / FUZZ_OP / FUZZ_PATH and runs the fuzz suite with Jest, on the
 * Node.js that runs this script. Without --seed, CI's fixed seed is used; `--seed random` picks one.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const FLAGS = {
  '--seed': 'FUZZ_SEED',
  '--runs': 'FUZZ_RUNS',
  '--op': 'FUZZ_OP',
  '--path': 'FUZZ_PATH',
};
const env = { ...process.env };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  const [flag, inline] = args[i].split(/=(.*)/s, 2);
  const name = FLAGS[flag];
  if (!name) {
    process.stderr.write(
      `fuzz: unknown argument ${args[i]} (known: ${Object.keys(FLAGS).join(', ')})\n`,
    );
    process.exit(2);
  }
  const value = inline ?? args[(i += 1)];
  if (value === undefined) {
    process.stderr.write(`fuzz: ${flag} needs a value\n`);
    process.exit(2);
  }
  env[name] = value;
}
if (env.FUZZ_SEED === 'random') {
  env.FUZZ_SEED = String(Math.floor(Math.random() * 2 ** 31));
}
if (env.FUZZ_SEED !== undefined && !/^-?\d+$/.test(env.FUZZ_SEED)) {
  process.stderr.write(`fuzz: --seed must be an integer, not ${env.FUZZ_SEED}\n`);
  process.exit(2);
}
if (env.FUZZ_RUNS !== undefined && !/^[1-9]\d*$/.test(env.FUZZ_RUNS)) {
  process.stderr.write(`fuzz: --runs must be a positive integer, not ${env.FUZZ_RUNS}\n`);
  process.exit(2);
}
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(
  process.execPath,
  [jest, '-c', join(__dirname, 'jest.config.js'), '--runInBand'],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
