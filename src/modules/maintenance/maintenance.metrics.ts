import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

export const JOB_DURATION = 'phoenix_maintenance_job_duration_seconds';
export const JOB_LAST_SUCCESS = 'phoenix_maintenance_job_last_success_timestamp_seconds';
export const JOB_FAILURES = 'phoenix_maintenance_job_failures_total';
export const JOB_SKIPPED = 'phoenix_maintenance_job_skipped_total';
export const JOB_RUNNING = 'phoenix_maintenance_job_running';
export const JOB_INTERVAL = 'phoenix_maintenance_job_interval_seconds';
export const INTEGRITY_FAILURES = 'phoenix_maintenance_integrity_failures_total';

export const MAINTENANCE_METRICS = [
  makeHistogramProvider({
    name: JOB_DURATION,
    help: 'Maintenance job runs by job and outcome (success, failure, timeout, skipped).',
    labelNames: ['job_name', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800],
  }),
  makeGaugeProvider({
    name: JOB_LAST_SUCCESS,
    help: 'When the job last succeeded on this instance (Unix time).',
    labelNames: ['job_name'],
  }),
  makeCounterProvider({
    name: JOB_FAILURES,
    help: 'Job runs that failed or timed out.',
    labelNames: ['job_name'],
  }),
  makeCounterProvider({
    name: JOB_SKIPPED,
    help: 'Job runs not done: overlap (the previous run still going), locked (another replica runs it), declined (nothing the job can do here).',
    labelNames: ['job_name', 'reason'],
  }),
  makeGaugeProvider({
    name: JOB_RUNNING,
    help: 'Whether the job is running on this instance now.',
    labelNames: ['job_name'],
  }),
  makeGaugeProvider({
    name: JOB_INTERVAL,
    help: 'Seconds between two scheduled runs of an enabled job (for the job-late alert).',
    labelNames: ['job_name'],
  }),
  makeCounterProvider({
    name: INTEGRITY_FAILURES,
    help: 'Integrity problems found by the integrity job, by check (quick_check, merkle).',
    labelNames: ['check'],
  }),
];
