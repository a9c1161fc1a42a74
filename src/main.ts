import './common/runtime-check';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ensureDataDir, PRIVATE_UMASK } from './common/data-dir';
import { lockDataDir } from './common/data-dir-lock';
import { ConfigError, loadConfig } from './config/environment';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from './configure-app';

/** One line on stderr and exit 1: no stack trace for an operator's mistake. */
function refuseToStart(message: string): never {
  process.stderr.write(`phoenix-kernel: ${message}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  process.umask(PRIVATE_UMASK);
  let config;
  try {
    config = loadConfig(process.env);
    ensureDataDir(config.dataDir);
    if (config.db.type === 'sqlite') {
      lockDataDir(config.dataDir);
    }
  } catch (error) {
    refuseToStart(
      error instanceof ConfigError || error instanceof Error ? error.message : String(error),
    );
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createAdapter(config),
    NEST_APP_OPTIONS,
  );
  configureApp(app, config);
  // Nest closes the server (finishing requests in flight), then the database, then exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const deadline = config.shutdownTimeoutMs;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`phoenix-kernel: shutdown took over ${deadline} ms; exiting\n`);
        process.exit(1);
      }, deadline).unref();
    });
  }
  await app.listen({ port: config.port, host: config.host });
}

bootstrap().catch((error: unknown) => {
  refuseToStart(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
});
