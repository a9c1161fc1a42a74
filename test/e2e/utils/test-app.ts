import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { ModuleDefinition } from '@nestjs/core/internal';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../../src/app.module';
import { AppConfig, loadConfig } from '../../../src/config/environment';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from '../../../src/configure-app';
import { createSchema, DbKind, dropSchema, postgresUrl } from './databases';

export interface TestAppOptions {
  db?: DbKind;
  /** Extra environment, as an operator would set it. */
  env?: Record<string, string>;
  /** Extra modules next to AppModule (e.g. a test-only component defined in a spec). */
  imports?: ModuleMetadata['imports'];
  /**
   * Modules of AppModule to swap for test doubles, e.g. a component whose start and background
   * work a test must be able to break: `[[WorldModelModule, FakeWorldModule]]`.
   */
  replace?: Array<[ModuleDefinition, ModuleDefinition]>;
  /** PostgreSQL: run on this other app's schema, as a second replica would (it drops the schema). */
  shareSchemaWith?: TestApp;
}

/**
 * The real AppModule on a fresh database — a temporary SQLite file (so WAL and restarts are real)
 * or a fresh PostgreSQL schema — with migrations run and configure-app applied as in main.ts.
 */
export class TestApp {
  app!: NestFastifyApplication;
  config!: AppConfig;
  http!: TestAgent;

  private constructor(
    readonly db: DbKind,
    readonly dataDir: string,
    readonly schema: string | undefined,
    private readonly env: Record<string, string>,
    private readonly modules: Pick<TestAppOptions, 'imports' | 'replace'>,
    private readonly ownsSchema = true,
  ) {}

  static async create(options: TestAppOptions = {}): Promise<TestApp> {
    const db = options.db ?? 'sqlite';
    const dataDir = mkdtempSync(join(tmpdir(), 'phoenix-e2e-'));
    const shared = options.shareSchemaWith?.schema;
    const schema = db === 'postgres' ? (shared ?? (await createSchema())) : undefined;
    const testApp = new TestApp(
      db,
      dataDir,
      schema,
      options.env ?? {},
      { imports: options.imports, replace: options.replace },
      shared === undefined,
    );
    await testApp.start();
    return testApp;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** Starts the app (again) on the same data directory and database. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.PHOENIX_TEST_LOG_LEVEL ?? 'silent',
      LOG_FORMAT: 'json',
      PHOENIX_DATA_DIR: this.dataDir,
      DB_TYPE: this.db,
      ...(this.db === 'postgres'
        ? {
            DATABASE_URL: postgresUrl(),
            DATABASE_SCHEMA: this.schema ?? '',
            DATABASE_POOL_SIZE: '5',
          }
        : {}),
      ...this.env,
      ...extraEnv,
    });
    let builder = Test.createTestingModule({
      imports: [AppModule.forRoot(this.config), ...(this.modules.imports ?? [])],
    });
    for (const [original, double] of this.modules.replace ?? []) {
      builder = builder.overrideModule(original).useModule(double);
    }
    const moduleRef = await builder.compile();
    this.app = moduleRef.createNestApplication<NestFastifyApplication>(
      createAdapter(this.config),
      NEST_APP_OPTIONS,
    );
    configureApp(this.app, this.config);
    await this.app.init();
    await this.app.getHttpAdapter().getInstance().ready();
    this.http = request(this.app.getHttpServer());
  }

  /** Listens on an ephemeral port of 127.0.0.1 (for clients outside supertest); returns the base URL. */
  async listen(): Promise<string> {
    await this.app.listen({ port: 0, host: '127.0.0.1' });
    const address = this.app.getHttpServer().address();
    if (!address || typeof address === 'string') {
      throw new Error('the test app is not listening on a TCP port');
    }
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  async restart(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.stop();
    await this.start(extraEnv);
  }

  /** Stops the app and removes its data directory and schema. */
  async destroy(): Promise<void> {
    try {
      await this.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
      if (this.schema && this.ownsSchema) {
        await dropSchema(this.schema);
      }
    }
  }
}
