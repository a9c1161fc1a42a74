import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's request id when it is short and printable (so it can be logged and echoed
 * safely), otherwise makes one. It is also stored on the raw request, where the access logger
 * (pino-http) reads it, so the log line and the response carry the same id.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const incoming = raw.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}
