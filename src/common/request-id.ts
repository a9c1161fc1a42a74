import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's request id when it is short and printable (so it can be logged and echoed
 * safely), otherwise makes one. Fastify's `genReqId`: the id is `request.id`, which the access
 * log, the request's log lines and problem bodies carry, and the x-request-id header echoes.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const incoming = incomingRequestId(raw.rawHeaders);
  return incoming !== undefined && SANE.test(incoming) ? incoming : randomUUID();
}

/**
 * The caller's x-request-id, read from the raw header list: `raw.headers` is built on first
 * access, and a probe answered by the fast path would build it for this one header. Sent twice,
 * it is none (node would join the two with ", ", which is not a sane id either).
 */
function incomingRequestId(rawHeaders: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === REQUEST_ID_HEADER.length && name.toLowerCase() === REQUEST_ID_HEADER) {
      if (found !== undefined) {
        return undefined;
      }
      found = rawHeaders[i + 1];
    }
  }
  return found;
}
