import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ComponentRegistry, ComponentSelfReport, SupervisedComponent } from '../../kernel';
import { AxiomsService } from './axioms.service';

/**
 * TriuneConscience as a supervised component: start() loads the axioms (or the built-in
 * fallback) and watches the file; stop() stops watching. On the fallback it reports itself
 * degraded, with the reason, to the kernel and the readiness probe.
 */
@Injectable()
export class ConscienceComponent implements SupervisedComponent, OnModuleInit {
  readonly name = 'conscience' as const;
  readonly critical = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ComponentRegistry,
    private readonly axioms: AxiomsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Watches before it reads, so a change made while the file is being read is reloaded. */
  async start(): Promise<void> {
    if (this.config.conscience.watchIntervalMs > 0) {
      this.axioms.watch(this.config.conscience.watchIntervalMs);
    }
    await this.axioms.load();
  }

  stop(): Promise<void> {
    return this.axioms.unwatch();
  }

  selfReport(): ComponentSelfReport {
    const reason = this.axioms.degradedReason();
    return reason === null
      ? { state: 'running' }
      : { state: 'degraded', reason: `built-in fallback axioms in service: ${reason}` };
  }
}
