import pino from 'pino';
import { Writable } from 'node:stream';
import { requestLogMixin, runWithRequestLog } from './request-log-context';

describe('request log context', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { mixin: requestLogMixin, base: undefined, timestamp: false },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const flushed = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    lines.length = 0;
  });

  it('should name the request on every line written while serving it, across awaits', async () => {
    const req = { id: 'req-1', method: 'GET', url: '/api/v1/log/head' };
    await runWithRequestLog(req, async () => {
      logger.info('before');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ context: 'Kernel' }).warn({ component: 'memory' }, 'after');
    });
    logger.info('outside');
    await flushed();
    expect(lines).toEqual([
      { level: 30, req, msg: 'before' },
      { level: 40, req, context: 'Kernel', component: 'memory', msg: 'after' },
      { level: 30, msg: 'outside' },
    ]);
  });

  it('should leave the access log line (which has reqId) as it is', async () => {
    runWithRequestLog({ id: 'req-2', method: 'GET', url: '/x' }, () => {
      logger.info({ reqId: 'req-2', statusCode: 200 }, 'request completed');
    });
    await flushed();
    expect(lines).toEqual([
      { level: 30, reqId: 'req-2', statusCode: 200, msg: 'request completed' },
    ]);
  });
});
