import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ComponentRegistry } from '../../kernel';

const SERVING = new Set(['running', 'degraded']);

/**
 * Readiness fails while a critical component is not serving; a degraded component, or a
 * non-critical one that is down, makes the check `degraded` (still 200) and shows in the body.
 */
@Injectable()
export class ComponentsHealthIndicator {
  constructor(
    private readonly components: ComponentRegistry,
    private readonly health: HealthIndicatorService,
  ) {}

  isReady(key: string): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const statuses = this.components.list();
    const components = Object.fromEntries(
      statuses.map((s) => [
        s.name,
        { state: s.state, critical: s.critical, since: s.since, reason: s.reason },
      ]),
    );
    const down = statuses.filter((s) => s.critical && !SERVING.has(s.state)).map((s) => s.name);
    if (down.length > 0) {
      return indicator.down({
        message: `critical component not running: ${down.join(', ')}`,
        components,
      });
    }
    const impaired = statuses.filter((s) => s.state !== 'running').map((s) => s.name);
    if (impaired.length > 0) {
      return indicator.degraded({ message: `impaired: ${impaired.join(', ')}`, components });
    }
    return indicator.up({ components });
  }

  /** Startup: the kernel has started every component at least once. */
  startedOnce(key: string): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.components.allStartedOnce()
      ? indicator.up()
      : indicator.down({ message: 'components have not all started yet' });
  }
}
