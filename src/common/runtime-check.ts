import { unsupportedRuntime } from './runtime';

// Imported first by main.ts, before any module that loads a native addon.
const problem = unsupportedRuntime(process.versions.node);
if (problem !== null) {
  process.stderr.write(`phoenix-kernel: ${problem}\n`);
  process.exit(1);
}
