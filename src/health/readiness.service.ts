import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
} from '@nestjs/common';
import { HealthCheckStatus, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HEALTH_CHECK_CACHE_HITS, HEALTH_CHECK_DURATION } from './health.metrics';
import { ComponentsHealthIndicator } from './indicators/components.health';
import { DiskHealthIndicator } from './indicators/disk.health';
import { HeapHealthIndicator } from './indicators/heap.health';
import { ProbeOutcome, shuttingDownOutcome, toOutcome } from './probe-outcome';
import { ProbeIndicator, runProbe } from './probe-runner';

/**
 * `/health/ready`. The result of one evaluation is kept for `PHOENIX_HEALTH_CACHE_TTL_MS`
 * and every probe in the meantime, or while an evaluation is in flight, gets that one: a
 * burst of probes costs one database ping. From the first moment of shutdown it answers
 * not-ready without evaluating anything.
 */
@Injectable()
export class ReadinessService implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReadinessService.name);
  private readonly indicators: ProbeIndicator[];
  private readonly observeDuration: (seconds: number) => void;
  private readonly countCacheHit: () => void;
  private cached: ProbeOutcome | undefined;
  private expiresAt = 0;
  private inFlight: Promise<ProbeOutcome> | undefined;
  private shutdown: ProbeOutcome | undefined;
  private lastStatus: HealthCheckStatus | undefined;
  /** Evaluations so far; probes answered from the cache or a shared evaluation do not count. */
  evaluations = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
    database: TypeOrmHealthIndicator,
    components: ComponentsHealthIndicator,
    disk: DiskHealthIndicator,
    heap: HeapHealthIndicator,
    @InjectMetric(HEALTH_CHECK_DURATION) duration: Histogram<string>,
    @InjectMetric(HEALTH_CHECK_CACHE_HITS) cacheHits: Counter<string>,
  ) {
    const { indicatorTimeoutMs } = config.health;
    this.indicators = [
      {
        key: 'database',
        check: async () =>
          await database
            .pingCheck('database', { connection: dataSource })
            .withTimeout(indicatorTimeoutMs),
      },
      { key: 'components', check: () => components.isReady('components') },
      { key: 'disk', check: () => disk.check('disk') },
      { key: 'heap', check: () => heap.check('heap') },
    ];
    const durationChild = duration.labels('ready');
    const hitsChild = cacheHits.labels('ready');
    hitsChild.inc(0);
    this.observeDuration = (seconds) => durationChild.observe(seconds);
    this.countCacheHit = () => hitsChild.inc();
  }

  /**
   * Adds an indicator to readiness, for a module whose own check must hold for the pod to take
   * traffic. It runs under the same timeouts; a throw or a timeout reports it down.
   */
  addIndicator(indicator: ProbeIndicator): void {
    if (this.indicators.some(({ key }) => key === indicator.key)) {
      throw new Error(`A readiness indicator named ${indicator.key} already exists`);
    }
    this.indicators.push(indicator);
    this.cached = undefined;
  }

  /** The current readiness: synchronous when cached, so the hot path allocates nothing. */
  check(): ProbeOutcome | Promise<ProbeOutcome> {
    if (this.shutdown) {
      return this.shutdown;
    }
    if (this.cached && Date.now() < this.expiresAt) {
      this.countCacheHit();
      return this.cached;
    }
    if (this.inFlight) {
      this.countCacheHit();
      return this.inFlight;
    }
    const evaluation = this.evaluate();
    this.inFlight = evaluation;
    return evaluation;
  }

  /** Not ready from here on; called by the shutdown hooks and usable by a signal handler. */
  beginShutdown(): void {
    this.shutdown ??= shuttingDownOutcome();
    this.cached = undefined;
  }

  onModuleDestroy(): void {
    this.beginShutdown();
  }

  beforeApplicationShutdown(): void {
    this.beginShutdown();
  }

  private async evaluate(): Promise<ProbeOutcome> {
    this.evaluations += 1;
    const started = performance.now();
    try {
      const outcome = toOutcome(await runProbe(this.indicators, this.config.health));
      this.observeDuration((performance.now() - started) / 1000);
      this.logTransition(outcome);
      this.cached = outcome;
      this.expiresAt = Date.now() + this.config.health.cacheTtlMs;
      return this.shutdown ?? outcome;
    } finally {
      this.inFlight = undefined;
    }
  }

  private logTransition({ result }: ProbeOutcome): void {
    if (result.status === this.lastStatus) {
      return;
    }
    const previous = this.lastStatus;
    this.lastStatus = result.status;
    if (result.status === 'error') {
      this.logger.warn({ from: previous, error: result.error }, 'not ready');
    } else if (previous !== undefined) {
      this.logger.log({ from: previous, status: result.status }, 'ready');
    }
  }
}
