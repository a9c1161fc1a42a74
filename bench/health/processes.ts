/** Child processes of the health benchmarks: servers pinned to core 0, load on core 1. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Compiled servers and load generator (bench/results is git-ignored). */
const BUILD = join(ROOT, 'bench', 'results', 'health-build');

export const pinned = hasTaskset();

/**
 * Compiles the servers and the load generator (with the src they import) to JavaScript, so
 * they run as in production: under ts-node every process would also carry its hooks, and
 * the `domain` module it loads slows every EventEmitter down.
 */
export function build(): void {
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '--outDir',
      BUILD,
      '--rootDir',
      ROOT,
      '--module',
      'commonjs',
      '--target',
      'ES2022',
      '--experimentalDecorators',
      '--emitDecoratorMetadata',
      '--esModuleInterop',
      '--resolveJsonModule',
      '--skipLibCheck',
      '--strict',
      // Emit only: type errors are tsc --noEmit's business (npm run check), not the benchmark's.
      '--noCheck',
      '--types',
      'node',
      ...['app-server.ts', 'bare-server.ts', 'load.ts'].map((file) => join(__dirname, file)),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

/** Starts a server (its path as in the source tree, run compiled) and resolves once it listens. */
export function startServer(script: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnPinned('0', script, [], env, false);
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start: ${out.slice(-2000)}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/^listening$/m.test(out)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

export function stopServer(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null) {
      resolve();
      return;
    }
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}

/** Runs the load generator on core 1; `stopWhen` (if given) ends an open-ended run. */
export function runLoadProcess<T>(options: object, stopWhen?: Promise<unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnPinned('1', 'bench/health/load.ts', [JSON.stringify(options)], {}, true);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T)
        : reject(new Error(`load generator exited ${code}`)),
    );
    void stopWhen?.finally(() => child.connected && child.send('stop'));
  });
}

function spawnPinned(
  core: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  ipc: boolean,
): ChildProcess {
  const compiled = join(BUILD, script.replace(/\.ts$/, '.js'));
  const node = [process.execPath, compiled, ...args];
  const [command, ...rest] = pinned ? ['taskset', '-c', core, ...node] : node;
  return spawn(command, rest, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
