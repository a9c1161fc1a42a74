import { contextField } from '../async-context';

/** What every log line written while serving a request carries about it. */
export interface RequestLogFields {
  id: string;
  method: string;
  url: string;
}

const field = contextField<RequestLogFields>('request');

/**
 * Runs `fn` (the rest of a request's pipeline) with `fields` as the request of every log line
 * written from it.
 *
 * Why not nestjs-pino's request middleware: it made a child logger per request (serialising
 * the request into its bindings), ran @fastify/middie, which copies ip, hostname and the parsed
 * query onto the raw request, and entered an AsyncLocalStorage; a request that logs nothing
 * (nearly all) paid for all of it. Here a request costs one small object and a field of the
 * process's one async context, and the fields are added by the root logger's `mixin` only to
 * lines actually written.
 */
export function runWithRequestLog<T>(fields: RequestLogFields, fn: () => T): T {
  return field.run(fields, fn);
}

/**
 * pino's `mixin`: `{ req: { id, method, url } }` on a line written while serving a request, as
 * nestjs-pino's request logger wrote it. The access log line (which has `reqId`) is left alone.
 */
export function requestLogMixin(mergeObject: object): object {
  const req = field.get();
  // A new object each time: pino merges the line's own fields into it.
  return req === undefined || 'reqId' in mergeObject ? {} : { req };
}
