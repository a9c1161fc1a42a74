import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type DbKind = 'sqlite' | 'postgres';

const POSTGRES_URL = process.env.PHOENIX_TEST_POSTGRES_URL;
let skipNoticePrinted = false;

/**
 * The databases every e2e suite runs on: SQLite always, PostgreSQL when
 * PHOENIX_TEST_POSTGRES_URL is set. Under CI=true PostgreSQL is required: a missing URL fails.
 */
export function testDatabases(): DbKind[] {
  if (POSTGRES_URL) {
    return ['sqlite', 'postgres'];
  }
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true requires PHOENIX_TEST_POSTGRES_URL: the e2e suites must run on PostgreSQL',
    );
  }
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    process.stderr.write(
      '[e2e] PostgreSQL runs skipped: PHOENIX_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)\n',
    );
  }
  return ['sqlite'];
}

/** `describe` once per database, with the kind in the title. */
export function describeEachDatabase(title: string, body: (db: DbKind) => void): void {
  for (const db of testDatabases()) {
    describe(`${title} [${db}]`, () => body(db));
  }
}

export function postgresUrl(): string {
  if (!POSTGRES_URL) {
    throw new Error('PHOENIX_TEST_POSTGRES_URL is not set');
  }
  return POSTGRES_URL;
}

/** A fresh schema per test app, so suites running in parallel never see each other's rows. */
export async function createSchema(): Promise<string> {
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`CREATE SCHEMA ${schema}`));
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  await withClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

export async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
