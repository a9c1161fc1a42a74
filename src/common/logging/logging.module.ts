import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdTimeFunctions } from 'pino';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** Probes and scrapes would drown the access log; they have their own metrics. */
const QUIET_PATHS = /^\/(health(\/|$|\?)|metrics($|\?))/;

export function isQuietPath(url: string | undefined): boolean {
  return QUIET_PATHS.test(url ?? '');
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.log.level,
          transport:
            config.log.format === 'pretty'
              ? { target: 'pino-pretty', options: { singleLine: true, colorize: false } }
              : undefined,
          // The id Fastify assigned (see request-id.ts); pino-http puts it on every line as reqId.
          genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
          timestamp: stdTimeFunctions.isoTime,
          // The access log is written by an onResponse hook (configure-app.ts), which also sees
          // requests that never reach a Nest route (unknown routes, unparsable bodies).
          autoLogging: false,
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || res.statusCode >= 500 ? 'warn' : 'info',
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
