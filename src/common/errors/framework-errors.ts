import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../request-id';
import { defaultCode, Problem, PROBLEM_CONTENT_TYPE, problemType, statusTitle } from './problem';

/** Errors Fastify's router raises before any hook or handler runs (see `frameworkErrors`). */
const ROUTER_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'malformed_url' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long' },
};

export function problemOf(
  status: number,
  code: string,
  detail: string,
  requestId: string,
): Problem {
  return { type: problemType(code), title: statusTitle(status), status, detail, code, requestId };
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode, or a path parameter over
 * `maxParamLength`. Without it Fastify answers these itself, in its own JSON shape and without
 * x-request-id. The request id is the one `genReqId` gave the request.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = ROUTER_CODES[error.code];
  const status = known?.status ?? 500;
  const code = known?.code ?? defaultCode(status);
  const detail = known ? 'The request URL is not valid' : statusTitle(status);
  void reply
    .status(status)
    .headers({
      [REQUEST_ID_HEADER]: request.id,
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
    })
    .send(problemOf(status, code, detail, request.id));
}

/**
 * For onSend: an error answered by a hook before any handler ran, such as Nest's 503 while
 * the app shuts down (`return503OnClosing`), is in Fastify's shape; it becomes a problem.
 * Problems (from the filter or the handlers above) and successful answers pass unchanged.
 */
export function problemBeforeHandler(reply: FastifyReply, payload: unknown): unknown {
  const type = reply.getHeader('content-type');
  if (
    reply.statusCode < 400 ||
    (typeof type === 'string' && type.startsWith(PROBLEM_CONTENT_TYPE))
  ) {
    return payload;
  }
  const status = reply.statusCode;
  void reply.header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store');
  return JSON.stringify(
    problemOf(status, defaultCode(status), statusTitle(status), reply.request.id),
  );
}

/** What node's HTTP parser reports, mapped as Fastify's default client error handler does. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
  HPE_URI_TOO_LONG: 414,
};

/**
 * Fastify's `clientErrorHandler`: a request node's HTTP parser refused (headers too large, a
 * malformed request line, a timeout). There is no request object, so the id is made here; the
 * answer is the same problem+json as any other error, then the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  if (socket.writable) {
    const status = (error.code === undefined ? undefined : CLIENT_ERROR_STATUS[error.code]) ?? 400;
    const requestId = randomUUID();
    const body = JSON.stringify(
      problemOf(status, defaultCode(status), statusTitle(status), requestId),
    );
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        'Cache-Control: no-store\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
