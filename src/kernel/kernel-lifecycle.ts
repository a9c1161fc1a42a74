import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ComponentBoundary } from './component-boundary';
import { ComponentRegistry } from './component-registry';
import { HttpRequests } from './http-requests';

/**
 * Starts the components once the application has bootstrapped, and stops them at shutdown:
 * first no more restarts, then HTTP requests and boundary calls in flight drain (for at most
 * half the shutdown budget), then each component stops, last registered first. This runs in
 * beforeApplicationShutdown, before the HTTP server and the database close; new requests are
 * already refused with 503 by then (the adapter's return503OnClosing).
 */
@Injectable()
export class KernelLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Kernel');

  constructor(
    private readonly registry: ComponentRegistry,
    private readonly boundary: ComponentBoundary,
    private readonly http: HttpRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.startAll();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.registry.beginShutdown();
    const budgetMs = Math.floor(this.config.shutdownTimeoutMs / 2);
    const [requests, calls] = await Promise.all([
      this.http.inFlight.idle(budgetMs),
      this.boundary.drain(budgetMs),
    ]);
    if (!requests || !calls) {
      this.logger.warn(
        { requests: this.http.inFlight.size, calls: this.boundary.inFlight, budgetMs },
        'work still in flight at shutdown; stopping the components anyway',
      );
    }
    await this.registry.stopAll();
  }
}
