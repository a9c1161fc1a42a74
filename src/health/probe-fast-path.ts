import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerFactory } from 'fastify';
import { createServer, IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { requestIdFor, REQUEST_ID_HEADER } from '../common/request-id';
import { HttpObserver, httpObserver } from '../metrics/http-metrics';
import type { ProbeOutcome } from './probe-outcome';
import { ReadinessService } from './readiness.service';
import { StartupService } from './startup.service';

type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

interface Slot {
  fastPath?: FastPath;
}

const slots = new WeakMap<Server, Slot>();

const LIVE_BODY = JSON.stringify({ status: 'ok' });
const LIVE: Answer = {
  statusCode: 200,
  body: LIVE_BODY,
  contentLength: String(Buffer.byteLength(LIVE_BODY)),
};
const JSON_TYPE = 'application/json; charset=utf-8';
// The header @HealthCheck() sets on the routes of HealthController.
const NO_STORE = 'no-cache, no-store, must-revalidate';

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would create, except that each request is
 * first offered to the probe fast path (once `installProbeFastPath` has set it up).
 *
 * Why: the Kubernetes probes hit every pod several times a second, and the cached readiness
 * answer is a ready-made string. Through Fastify's and Nest's request pipeline (hooks, request
 * logger, router, handler) it is served at a third of what node:http manages on the same core;
 * here at nearly the same rate (docs/performance.md, "Health probes"). Only the terse GETs of
 * `/health/live`, `/health/ready` and `/health/startup` are answered here, with the headers
 * and metrics the pipeline would give them; `?verbose`, other methods and everything during
 * shutdown go through Fastify to HealthController as usual.
 */
export function probeServerFactory(): FastifyServerFactory {
  const slot: Slot = {};
  return (handler, options) => {
    const server = createServer(
      (options.http ?? {}) as ServerOptions,
      (request: IncomingMessage, response: ServerResponse) => {
        if (!slot.fastPath?.(request, response)) {
          handler(request, response);
        }
      },
    );
    // What Fastify does to the servers it creates itself (fastify/lib/server.js).
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    const maxRequestsPerSocket = options.maxRequestsPerSocket as number | null | undefined;
    if (maxRequestsPerSocket && maxRequestsPerSocket > 0) {
      server.maxRequestsPerSocket = maxRequestsPerSocket;
    }
    slots.set(server, slot);
    return server;
  };
}

/**
 * Turns the fast path on for an app whose adapter was made with `probeServerFactory`, and off
 * at the first moment of shutdown, when the adapter starts answering 503 and readiness reports
 * shutting down.
 */
export function installProbeFastPath(app: NestFastifyApplication): void {
  const adapter = app.getHttpAdapter();
  const slot = slots.get(adapter.getHttpServer() as Server);
  const readiness = app.get(ReadinessService);
  const startup = app.get(StartupService);
  const observe = httpObserver(app);
  // prepareClose() calls beforeClose() first thing in app.close() and on a shutdown signal,
  // before any module's shutdown hook: the moment the adapter's 503s begin.
  const beforeClose = adapter.beforeClose?.bind(adapter);
  adapter.beforeClose = () => {
    if (slot) {
      slot.fastPath = undefined;
    }
    readiness.beginShutdown();
    beforeClose?.();
  };
  if (!slot) {
    return;
  }
  slot.fastPath = (request, response) => {
    if (request.method !== 'GET') {
      return false;
    }
    const started = performance.now();
    const route = request.url;
    let outcome: Answer | Promise<Answer>;
    if (route === '/health/live') {
      outcome = LIVE;
    } else if (route === '/health/ready') {
      outcome = readiness.check();
    } else if (route === '/health/startup') {
      outcome = startup.check();
    } else {
      return false;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (settled) => send(request, response, settled, started, observe),
        () => response.destroy(),
      );
    } else {
      send(request, response, outcome, started, observe);
    }
    return true;
  };
}

type Answer = Pick<ProbeOutcome, 'statusCode' | 'body' | 'contentLength'>;

function send(
  request: IncomingMessage,
  response: ServerResponse,
  { statusCode, body, contentLength }: Answer,
  started: number,
  observe: HttpObserver,
): void {
  // The flat array form: no object to walk, and the length was counted once per outcome.
  response.writeHead(statusCode, [
    'content-type',
    JSON_TYPE,
    'content-length',
    contentLength,
    'cache-control',
    NO_STORE,
    REQUEST_ID_HEADER,
    requestIdFor(request),
  ]);
  response.end(body);
  observe('GET', request.url, statusCode, (performance.now() - started) / 1000);
}
