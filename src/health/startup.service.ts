import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HEALTH_CHECK_DURATION } from './health.metrics';
import { ComponentsHealthIndicator } from './indicators/components.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { ProbeOutcome, toOutcome } from './probe-outcome';
import { ProbeIndicator, runProbe } from './probe-runner';

/**
 * `/health/startup`: migrations applied and every component started once. Once it has
 * passed it stays passed (Kubernetes stops asking; liveness and readiness take over), so a
 * later outage never restarts a pod through this probe. Concurrent probes share one evaluation.
 */
@Injectable()
export class StartupService {
  private readonly indicators: ProbeIndicator[];
  private readonly durationChild: { observe(seconds: number): void };
  private started: ProbeOutcome | undefined;
  private inFlight: Promise<ProbeOutcome> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    migrations: MigrationsHealthIndicator,
    components: ComponentsHealthIndicator,
    @InjectMetric(HEALTH_CHECK_DURATION) duration: Histogram<string>,
  ) {
    this.indicators = [
      { key: 'migrations', check: () => migrations.check('migrations') },
      { key: 'components', check: () => components.startedOnce('components') },
    ];
    this.durationChild = duration.labels('startup');
  }

  check(): ProbeOutcome | Promise<ProbeOutcome> {
    if (this.started) {
      return this.started;
    }
    this.inFlight ??= this.evaluate().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async evaluate(): Promise<ProbeOutcome> {
    const begun = performance.now();
    const outcome = toOutcome(await runProbe(this.indicators, this.config.health));
    this.durationChild.observe((performance.now() - begun) / 1000);
    if (outcome.statusCode === 200) {
      this.started = outcome;
    }
    return outcome;
  }
}
