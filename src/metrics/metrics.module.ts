import { Global, Module } from '@nestjs/common';
import { makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { COMPONENT_METRICS, ComponentMetrics } from './component-metrics';
import { HTTP_DURATION_BUCKETS, HTTP_REQUEST_DURATION } from './http-metrics';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus exposition at `/metrics` (@willsoto/nestjs-prometheus over prom-client's global
 * registry), Node/process default metrics, and the HTTP request histogram.
 *
 * Adding metrics to a module: declare them in that module, next to the code that sets them,
 * named by Prometheus conventions (`phoenix_<area>_<what>_<unit>`, base units, `_total` for
 * counters), with bounded label values:
 *
 *   // memory.metrics.ts
 *   export const MEMORY_METRICS = [
 *     makeCounterProvider({
 *       name: 'phoenix_memory_operations_total',
 *       help: 'Memory operations by kind and outcome.',
 *       labelNames: ['operation', 'outcome'],
 *     }),
 *   ];
 *   // memory.module.ts: providers: [...MEMORY_METRICS, ...]
 *   // memory.service.ts:
 *   constructor(@InjectMetric('phoenix_memory_operations_total') private readonly ops: Counter) {}
 *
 * `test/e2e/metrics.e2e-spec.ts` runs `promtool check metrics` over a scrape, so a name or
 * help text that breaks the conventions fails CI. The registry is process-wide: one app per
 * process (the e2e harness shares it between the apps of a worker, so tests read deltas).
 */
// Global: the controller lives in PrometheusModule's scope and needs ComponentMetrics from here.
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      // Collected once per process below: prom-client refuses to register them twice.
      defaultMetrics: { enabled: false },
    }),
  ],
  providers: [
    ...COMPONENT_METRICS,
    ComponentMetrics,
    makeHistogramProvider({
      name: HTTP_REQUEST_DURATION,
      help: 'HTTP requests by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_DURATION_BUCKETS,
    }),
  ],
  exports: [ComponentMetrics],
})
export class MetricsModule {
  constructor() {
    ensureDefaultMetrics();
  }
}

/**
 * prom-client's gauges named `*_total` break the naming rules promtool checks (only counters
 * end in _total); each is the sum of the labelled gauge of the same name without the suffix
 * (e.g. `sum(nodejs_active_handles)`), so they go.
 */
const NON_COUNTERS_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

function ensureDefaultMetrics(): void {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) {
    collectDefaultMetrics();
    NON_COUNTERS_NAMED_TOTAL.forEach((name) => register.removeSingleMetric(name));
  }
}
