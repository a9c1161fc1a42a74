import type { MaintenanceJobName } from '../../config/environment';

export type { MaintenanceJobName };

/** What a job says of its own run; a throw is a failure. */
export interface JobReport {
  /** `skipped`: nothing to do on this database (e.g. backups on PostgreSQL), with why in detail. */
  outcome: 'success' | 'skipped';
  /** One line for the log and the admin API (e.g. "checkpointed 12 pages"). */
  detail?: string;
}

/**
 * One maintenance job. The service schedules it, keeps it from overlapping itself, takes the
 * PostgreSQL advisory lock, applies the timeout and records the outcome; the job only does
 * the work. Long work checks `signal` between chunks and stops with `signal.throwIfAborted()`
 * once the timeout (or shutdown) aborts it.
 */
export interface MaintenanceJob {
  readonly name: MaintenanceJobName;
  /** Whether the job does anything on this database; false: it reports skipped when run. */
  appliesTo(db: 'sqlite' | 'postgres'): boolean;
  run(signal: AbortSignal): Promise<JobReport>;
}

export type RunOutcome = 'success' | 'failure' | 'timeout' | 'skipped';

/** The record of one run, as `GET /api/v1/admin/maintenance/jobs` shows it. */
export interface JobRun {
  startedAt: string;
  durationMs: number;
  outcome: RunOutcome;
  trigger: 'schedule' | 'manual';
  detail?: string;
  error?: string;
}
