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

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'];
const OTHER = METHODS.length - 1;

/** Records one response: method, route template (never the raw URL), status, seconds. */
export type HttpObserver = (
  method: string,
  route: string | undefined,
  status: number,
  seconds: number,
) => void;

type Observe = (seconds: number) => void;

const observers = new WeakMap<Histogram<string>, HttpObserver>();

/**
 * The observer of the app's HTTP histogram. It keeps the labelled child of each
 * method/route/status combination, found by the route template (the same string on every
 * request of a route) and a number made of status and method: no key string per request.
 */
export function httpObserver(app: NestFastifyApplication): HttpObserver {
  return histogramObserver(app.get<Histogram<string>>(getToken(HTTP_REQUEST_DURATION)));
}

/** The observer of a histogram with the labels and buckets of HTTP_REQUEST_DURATION. */
export function histogramObserver(histogram: Histogram<string>): HttpObserver {
  let observer = observers.get(histogram);
  if (!observer) {
    const routes = new Map<string, Map<number, Observe>>();
    observer = (rawMethod, rawRoute, status, seconds) => {
      const route = rawRoute ?? UNMATCHED_ROUTE;
      let children = routes.get(route);
      if (!children) {
        children = new Map();
        routes.set(route, children);
      }
      const index = methodIndex(rawMethod);
      const key = status * 8 + index;
      let observe = children.get(key);
      if (!observe) {
        const child = histogram.labels(METHODS[index], route, String(status));
        observe = (value) => child.observe(value);
        children.set(key, observe);
      }
      observe(seconds);
    };
    observers.set(histogram, observer);
  }
  return observer;
}

function methodIndex(method: string): number {
  const index = METHODS.indexOf(method);
  return index === -1 ? OTHER : index;
}
