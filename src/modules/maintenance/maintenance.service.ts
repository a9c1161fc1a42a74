import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { CronJob, CronTime } from 'cron';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { advisoryLockKey, withAdvisoryLock } from './advisory-lock';
import { JobRunningError, UnknownJobError } from './maintenance.errors';
import {
  JOB_DURATION,
  JOB_FAILURES,
  JOB_INTERVAL,
  JOB_LAST_SUCCESS,
  JOB_RUNNING,
  JOB_SKIPPED,
} from './maintenance.metrics';
import type { JobReport, JobRun, MaintenanceJob, MaintenanceJobName } from './maintenance-job';
import { MAINTENANCE_JOBS } from './maintenance.tokens';

export interface JobView {
  name: MaintenanceJobName;
  enabled: boolean;
  cron: string;
  running: boolean;
  lastRun: JobRun | null;
  nextRun: string | null;
}

interface JobState {
  job: MaintenanceJob;
  /** Settles when the run in progress has really ended (a timed-out run may still be working). */
  running?: Promise<unknown>;
  abort?: AbortController;
  lastRun: JobRun | null;
  cron?: CronJob;
}

/** How long shutdown waits for an aborted job to stop before the database closes under it. */
const SHUTDOWN_WAIT_MS = 5000;

/**
 * Schedules the maintenance jobs (cron per job, each switchable off) and runs them, on the
 * schedule or on an operator's request, with the same guarantees: never two runs of one job at
 * once in this process (a scheduled tick that finds one going is skipped and counted), on
 * PostgreSQL never on two replicas at once (a session advisory lock per job), a timeout that
 * aborts the job, one log line and the metrics for every run.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly jobs = new Map<MaintenanceJobName, JobState>();
  private shuttingDown = false;

  constructor(
    @Inject(MAINTENANCE_JOBS) jobs: MaintenanceJob[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectMetric(JOB_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(JOB_LAST_SUCCESS) private readonly lastSuccess: Gauge<string>,
    @InjectMetric(JOB_FAILURES) private readonly failures: Counter<string>,
    @InjectMetric(JOB_SKIPPED) private readonly skipped: Counter<string>,
    @InjectMetric(JOB_RUNNING) private readonly runningGauge: Gauge<string>,
    @InjectMetric(JOB_INTERVAL) private readonly interval: Gauge<string>,
  ) {
    for (const job of jobs) {
      this.jobs.set(job.name, { job, lastRun: null });
    }
  }

  onApplicationBootstrap(): void {
    for (const [name, state] of this.jobs) {
      const { enabled, cron } = this.config.maintenance.jobs[name];
      // Series exist from the first scrape, so rate() and increase() see the first event.
      this.failures.inc({ job_name: name }, 0);
      for (const reason of ['overlap', 'locked', 'declined']) {
        this.skipped.inc({ job_name: name, reason }, 0);
      }
      this.runningGauge.set({ job_name: name }, 0);
      if (!enabled) {
        continue;
      }
      if (state.job.appliesTo(this.config.db.type)) {
        this.interval.set({ job_name: name }, intervalSeconds(cron));
      }
      state.cron = CronJob.from({
        cronTime: cron,
        onTick: () => void this.runScheduled(name),
        start: true,
        name: `maintenance:${name}`,
      });
      this.scheduler.addCronJob(`maintenance:${name}`, state.cron);
    }
  }

  /** Aborts runs in progress and waits (briefly) for them, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const running = [...this.jobs.values()].filter((state) => state.running !== undefined);
    for (const state of running) {
      state.abort?.abort(new Error('the application is shutting down'));
    }
    await Promise.race([
      Promise.allSettled(running.map((state) => state.running ?? Promise.resolve())),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref()),
    ]);
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((state) => this.view(state));
  }

  /** Runs a job now and returns its run; JobRunningError (409) if it is already running. */
  async runNow(name: string): Promise<JobRun> {
    const state = this.state(name);
    if (state.running) {
      throw new JobRunningError(state.job.name);
    }
    return this.execute(state, 'manual');
  }

  private async runScheduled(name: MaintenanceJobName): Promise<void> {
    const state = this.state(name);
    if (this.shuttingDown) {
      return;
    }
    if (state.running) {
      this.skipped.inc({ job_name: name, reason: 'overlap' });
      this.logger.warn(
        { job: name },
        `maintenance ${name}: skipped, the previous run is still going`,
      );
      return;
    }
    await this.execute(state, 'schedule');
  }

  private async execute(state: JobState, trigger: JobRun['trigger']): Promise<JobRun> {
    const name = state.job.name;
    const startedAt = new Date();
    const begun = performance.now();
    const abort = new AbortController();
    const work = this.withLock(name, () => state.job.run(abort.signal));
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    state.running = settled;
    state.abort = abort;
    this.runningGauge.set({ job_name: name }, 1);
    void settled.then(() => {
      state.running = undefined;
      state.abort = undefined;
      this.runningGauge.set({ job_name: name }, 0);
    });

    let run: JobRun;
    let skipReason: 'locked' | 'declined' | undefined;
    try {
      const report = await this.withTimeout(work, abort);
      skipReason =
        report === 'locked' ? 'locked' : report.outcome === 'skipped' ? 'declined' : undefined;
      run = {
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - begun),
        trigger,
        ...(report === 'locked'
          ? { outcome: 'skipped', detail: 'another instance holds the lock and runs the job' }
          : { outcome: report.outcome, detail: report.detail }),
      };
    } catch (error) {
      run = {
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - begun),
        trigger,
        outcome: abort.signal.aborted && !this.shuttingDown ? 'timeout' : 'failure',
        error: error instanceof Error ? error.message : String(error),
      };
    }
    state.lastRun = run;
    this.record(name, run, skipReason);
    return run;
  }

  private async withLock(
    name: MaintenanceJobName,
    work: () => Promise<JobReport>,
  ): Promise<JobReport | 'locked'> {
    if (this.config.db.type !== 'postgres') {
      return work();
    }
    const locked = await withAdvisoryLock(
      this.dataSource,
      advisoryLockKey(this.config.db.schema, name),
      work,
    );
    return locked.acquired ? locked.value : 'locked';
  }

  private withTimeout<T>(work: Promise<T>, abort: AbortController): Promise<T> {
    const timeoutMs = this.config.maintenance.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`timed out after ${timeoutMs} ms`);
        abort.abort(error);
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private record(
    name: MaintenanceJobName,
    run: JobRun,
    skipReason: 'locked' | 'declined' = 'declined',
  ): void {
    this.duration.observe({ job_name: name, outcome: run.outcome }, run.durationMs / 1000);
    const fields = { job: name, ...run };
    switch (run.outcome) {
      case 'success':
        this.lastSuccess.set({ job_name: name }, Date.now() / 1000);
        this.logger.log(fields, `maintenance ${name}: done in ${run.durationMs} ms`);
        break;
      case 'skipped':
        this.skipped.inc({ job_name: name, reason: skipReason });
        this.logger.log(fields, `maintenance ${name}: skipped (${run.detail ?? ''})`);
        break;
      case 'failure':
      case 'timeout':
        this.failures.inc({ job_name: name });
        this.logger.error(fields, `maintenance ${name}: ${run.outcome} (${run.error ?? ''})`);
        break;
    }
  }

  private state(name: string): JobState {
    const state = this.jobs.get(name as MaintenanceJobName);
    if (!state) {
      throw new UnknownJobError(name);
    }
    return state;
  }

  private view(state: JobState): JobView {
    const { enabled, cron } = this.config.maintenance.jobs[state.job.name];
    return {
      name: state.job.name,
      enabled,
      cron,
      running: state.running !== undefined,
      lastRun: state.lastRun,
      nextRun: state.cron ? (state.cron.nextDate().toUTC().toISO() ?? null) : null,
    };
  }
}

/** The time between the next two firings of a cron expression, in seconds. */
export function intervalSeconds(cron: string): number {
  const [first, second] = new CronTime(cron).sendAt(2);
  return Math.round(second.diff(first).as('seconds'));
}
