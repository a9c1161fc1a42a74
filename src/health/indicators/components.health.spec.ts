import { HealthIndicatorService } from '@nestjs/terminus';
import type { ComponentRegistry, ComponentStatus } from '../../kernel';
import { ComponentsHealthIndicator } from './components.health';

function status(
  name: ComponentStatus['name'],
  state: ComponentStatus['state'],
  critical: boolean,
): ComponentStatus {
  return { name, state, critical, since: '', restarts: 0, lastError: null, reason: null };
}

function indicatorOver(statuses: ComponentStatus[], startedOnce = true): ComponentsHealthIndicator {
  const registry = { list: () => statuses, allStartedOnce: () => startedOnce };
  return new ComponentsHealthIndicator(
    registry as unknown as ComponentRegistry,
    new HealthIndicatorService(),
  );
}

describe(ComponentsHealthIndicator.name, () => {
  it('should be up when every component runs', () => {
    const result = indicatorOver([
      status('memory', 'running', true),
      status('world-model', 'running', false),
    ]).isReady('components');
    expect(result.components.status).toBe('up');
    expect(result.components.components).toMatchObject({
      memory: { state: 'running', critical: true },
      'world-model': { state: 'running', critical: false },
    });
  });

  it.each(['stopped', 'failed', 'starting'] as const)(
    'should be down when a critical component is %s',
    (state) => {
      const result = indicatorOver([
        status('memory', state, true),
        status('conscience', 'running', true),
      ]).isReady('components');
      expect(result.components).toMatchObject({
        status: 'down',
        message: 'critical component not running: memory',
      });
    },
  );

  it('should be degraded, not down, when a critical component is degraded', () => {
    const result = indicatorOver([status('conscience', 'degraded', true)]).isReady('components');
    expect(result.components).toMatchObject({
      status: 'degraded',
      message: 'impaired: conscience',
    });
  });

  it('should be degraded, not down, when a non-critical component has failed', () => {
    const result = indicatorOver([
      status('memory', 'running', true),
      status('world-model', 'failed', false),
    ]).isReady('components');
    expect(result.components).toMatchObject({
      status: 'degraded',
      message: 'impaired: world-model',
    });
  });

  it('should pass startup only once every component has started', () => {
    expect(indicatorOver([], false).startedOnce('components').components.status).toBe('down');
    expect(indicatorOver([], true).startedOnce('components').components.status).toBe('up');
  });
});
