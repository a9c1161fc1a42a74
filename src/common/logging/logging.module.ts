import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { requestLogMixin } from './request-log-context';

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
        // No per-request middleware: configure-app.ts puts each request in a log context of its
        // own (request-log-context.ts), and the mixin below adds it to the lines written there.
        forRoutes: [],
        pinoHttp: {
          mixin: requestLogMixin,
          level: config.log.level,
          transport:
            config.log.format === 'pretty'
              ? { target: 'pino-pretty', options: { singleLine: true, colorize: false } }
              : undefined,
          timestamp: stdTimeFunctions.isoTime,
          // The access log is written by an onResponse hook (configure-app.ts), which also sees
          // requests that never reach a Nest route (unknown routes, unparsable bodies).
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
