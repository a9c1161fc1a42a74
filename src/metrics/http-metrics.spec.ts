import { Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS, histogramObserver, UNMATCHED_ROUTE } from './http-metrics';

function histogram(registry: Registry): Histogram<string> {
  return new Histogram({
    name: 'test_http_request_duration_seconds',
    help: 'test',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
}

describe(histogramObserver.name, () => {
  const samples: Array<[string, string | undefined, number, number]> = [
    ['GET', '/health/live', 200, 0.0001],
    ['GET', '/health/live', 200, 0.0007],
    ['GET', '/health/live', 200, 0.003],
    ['GET', '/health/live', 200, 42], // above the last bound: only +Inf, sum and count
    ['POST', '/api/v1/memories', 201, 0.02],
    ['POST', '/api/v1/memories', 503, 5],
    ['BREW', undefined, 404, 0.001],
    ['GET', '/health/live', 200, 0.0005], // on a bound: that bucket
  ];

  it('should expose exactly what prom-client’s own observe would', async () => {
    const fast = new Registry();
    const plain = new Registry();
    const observe = histogramObserver(histogram(fast));
    const reference = histogram(plain);
    for (const [method, route, status, seconds] of samples) {
      observe(method, route, status, seconds);
      reference
        .labels(method === 'BREW' ? 'OTHER' : method, route ?? UNMATCHED_ROUTE, String(status))
        .observe(seconds);
    }
    expect(await fast.metrics()).toBe(await plain.metrics());
  });

  it('should keep counting after the registry is reset', async () => {
    const registry = new Registry();
    const metric = histogram(registry);
    const observe = histogramObserver(metric);
    observe('GET', '/x', 200, 0.001);
    observe('GET', '/x', 200, 0.001);
    registry.resetMetrics();
    observe('GET', '/x', 200, 0.002);
    observe('GET', '/x', 200, 0.002);
    const text = await registry.metrics();
    expect(text).toContain(
      'test_http_request_duration_seconds_count{method="GET",route="/x",status_code="200"} 2',
    );
    expect(text).toContain(
      'test_http_request_duration_seconds_sum{method="GET",route="/x",status_code="200"} 0.004',
    );
  });
});
