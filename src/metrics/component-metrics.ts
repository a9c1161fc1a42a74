import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { ComponentRegistry, ComponentState } from '../kernel';

const COMPONENT_UP = 'phoenix_component_up';
const COMPONENT_STATE = 'phoenix_component_state';
const COMPONENT_RESTARTS = 'phoenix_component_restarts_total';
const STATES: readonly ComponentState[] = ['starting', 'running', 'degraded', 'failed', 'stopped'];

export const COMPONENT_METRICS = [
  makeGaugeProvider({
    name: COMPONENT_UP,
    help: 'Whether the component serves requests (running or degraded): 1, else 0.',
    labelNames: ['component'],
  }),
  makeGaugeProvider({
    name: COMPONENT_STATE,
    help: 'The state the component is in: 1 for its current state, 0 for the others.',
    labelNames: ['component', 'state'],
  }),
  makeCounterProvider({
    name: COMPONENT_RESTARTS,
    help: 'Restarts of the component, by the supervisor or an operator.',
    labelNames: ['component'],
  }),
];

/**
 * Component metrics, read from the kernel's registry when Prometheus scrapes (the registry is
 * the source of truth; nothing here can drift from it). The restart counter advances by what
 * the registry counted since the previous scrape.
 */
@Injectable()
export class ComponentMetrics {
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly registry: ComponentRegistry,
    @InjectMetric(COMPONENT_UP) private readonly up: Gauge<string>,
    @InjectMetric(COMPONENT_STATE) private readonly state: Gauge<string>,
    @InjectMetric(COMPONENT_RESTARTS) private readonly restarts: Counter<string>,
  ) {}

  refresh(): void {
    for (const status of this.registry.list()) {
      const component = status.name;
      this.up.set({ component }, status.state === 'running' || status.state === 'degraded' ? 1 : 0);
      for (const state of STATES) {
        this.state.set({ component, state }, status.state === state ? 1 : 0);
      }
      const delta = status.restarts - (this.counted.get(component) ?? 0);
      // inc(0) makes the series exist from the first scrape, as Prometheus' rate() wants.
      this.restarts.inc({ component }, Math.max(0, delta));
      this.counted.set(component, status.restarts);
    }
  }
}
