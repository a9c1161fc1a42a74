import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { postgresUrl, describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'node_modules', '.bin', 'typeorm-ts-node-commonjs');

/** Runs the TypeORM CLI as `npm run migration:*` does, on ormconfig.ts; resolves its output. */
function typeorm(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, [...args, '-d', 'ormconfig.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The migrations are the schema (synchronize is never on); the entities must describe the same
 * one, or `npm run migration:generate` writes a migration full of changes nobody made.
 */
describeEachDatabase('Entities and migrations (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db });
    await t.stop();
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('should describe in the entities exactly the schema the migrations build', async () => {
    const { code, output } = await typeorm(['schema:log'], {
      DB_TYPE: db,
      PHOENIX_DATA_DIR: t.dataDir,
      ...(db === 'postgres' ? { DATABASE_URL: postgresUrl(), DATABASE_SCHEMA: t.schema! } : {}),
    });
    expect(output).toContain('Your schema is up to date');
    expect(code).toBe(0);
  }, 60_000);
});
