import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const HEALTH_CHECK_DURATION = 'phoenix_health_check_duration_seconds';
export const HEALTH_CHECK_CACHE_HITS = 'phoenix_health_check_cache_hits_total';

export const HEALTH_METRICS = [
  makeHistogramProvider({
    name: HEALTH_CHECK_DURATION,
    help: 'Evaluations of a health probe (its indicators), by probe; cached answers are not evaluations.',
    labelNames: ['probe'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
  makeCounterProvider({
    name: HEALTH_CHECK_CACHE_HITS,
    help: 'Probes answered from the cached result or from an evaluation already in flight.',
    labelNames: ['probe'],
  }),
];
