/**
 * The real application (AppModule + configure-app, production logging), plus two things for
 * comparison: `/health/plain-terminus`, a plain Terminus readiness check that pings the
 * database on every request, as the Terminus documentation shows it; and a bare node:http
 * server in the same process (on PORT + 1), what any handler in this process can reach.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { createServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppModule } from '../../src/app.module';
import { ensureDataDir } from '../../src/common/data-dir';
import { loadConfig } from '../../src/config/environment';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from '../../src/configure-app';

// Under /health/ so that, like the probes, it stays out of the access log.
@Controller('health')
class PlainTerminusController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get('plain-terminus')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.db.pingCheck('database')]);
  }
}

@Module({ imports: [TerminusModule], controllers: [PlainTerminusController] })
class PlainTerminusModule {}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  ensureDataDir(config.dataDir);
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: class BenchModule {}, imports: [AppModule.forRoot(config), PlainTerminusModule] },
    createAdapter(config),
    NEST_APP_OPTIONS,
  );
  configureApp(app, config);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  // The ceiling for anything served by this process: a bare node:http handler beside the app.
  const body = JSON.stringify({ status: 'ok' });
  await new Promise<void>((resolve) =>
    createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache, no-store, must-revalidate',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    }).listen(Number(process.env.BARE_IN_APP_PORT ?? config.port + 1), '127.0.0.1', resolve),
  );
  process.stdout.write('listening\n');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
