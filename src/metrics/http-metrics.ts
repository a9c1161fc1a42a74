import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';

export const HTTP_REQUEST_DURATION = 'phoenix_http_request_duration_seconds';

/** From 0.5 ms (a cached probe) to 10 s; the probe-latency alert needs the 10 ms bound. */
export const HTTP_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Requests that matched no route share one label value, so scanners cannot add series. */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Records one response: method, route template (never the raw URL), status, seconds. */
export type HttpObserver = (
  method: string,
  route: string | undefined,
  status: number,
  seconds: number,
) => void;

const observers = new WeakMap<Histogram<string>, HttpObserver>();

/**
 * The observer of the app's HTTP histogram. It keeps the labelled child of each
 * method/route/status combination, so recording a response is one Map lookup.
 */
export function httpObserver(app: NestFastifyApplication): HttpObserver {
  const histogram = app.get<Histogram<string>>(getToken(HTTP_REQUEST_DURATION));
  let observer = observers.get(histogram);
  if (!observer) {
    const children = new Map<string, { observe(seconds: number): void }>();
    observer = (rawMethod, rawRoute, status, seconds) => {
      const method = METHODS.has(rawMethod) ? rawMethod : 'OTHER';
      const route = rawRoute ?? UNMATCHED_ROUTE;
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = histogram.labels(method, route, String(status));
        children.set(key, child);
      }
      child.observe(seconds);
    };
    observers.set(histogram, observer);
  }
  return observer;
}

/** Observes every response Fastify sends, timed from the request's arrival. */
export function registerHttpMetrics(app: NestFastifyApplication): void {
  const observe = httpObserver(app);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
}
