import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentName, ComponentState } from '../../../src/kernel';
import type { TestApp } from './test-app';

export const ADMIN_TOKEN = 'chaos-e2e-admin-token-0123456789';
export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Environment for a chaos run: admin API and fault injection on. The component timeout is
 * shorter than the tests' client timeout (4 s), so a hung call shows as a 503, and long enough
 * that a loaded host's stall never turns a healthy call into one.
 */
export const CHAOS_ENV: Record<string, string> = {
  PHOENIX_ADMIN_TOKEN: ADMIN_TOKEN,
  PHOENIX_CHAOS_ENABLED: 'true',
  PHOENIX_COMPONENT_TIMEOUT_MS: '3000',
  // The scenarios crash components many times on purpose; the limit itself has its own tests.
  PHOENIX_RESTART_INTENSITY: '200',
};

export interface Tally {
  total: number;
  byStatus: Record<number, number>;
  maxMs: number;
}

export function tally(): Tally {
  return { total: 0, byStatus: {}, maxMs: 0 };
}

export async function injectFault(
  t: TestApp,
  component: ComponentName,
  type: 'error' | 'latency' | 'crash' | 'hang',
  durationMs: number,
  extra: Record<string, number> = {},
): Promise<string> {
  const res = await t.http
    .post('/api/v1/admin/chaos/faults')
    .set(AUTH)
    .send({ component, type, durationMs, probability: 1, ...extra })
    .expect(201);
  return res.body.id as string;
}

export async function clearFaults(t: TestApp): Promise<void> {
  await t.http.delete('/api/v1/admin/chaos/faults').set(AUTH).expect(204);
}

export async function stateOf(t: TestApp, name: ComponentName): Promise<ComponentState> {
  const res = await t.http.get('/api/v1/kernel/components').expect(200);
  const component = (res.body.components as Array<{ name: string; state: ComponentState }>).find(
    (c) => c.name === name,
  );
  if (!component) {
    throw new Error(`component ${name} is not registered`);
  }
  return component.state;
}

/** Polls until the component is in one of `states`; returns how long it took. */
export async function waitFor(
  t: TestApp,
  name: ComponentName,
  states: ComponentState[],
  timeoutMs = 5000,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (states.includes(await stateOf(t, name))) {
      return Date.now() - started;
    }
    await sleep(10);
  }
  throw new Error(`${name} did not reach ${states.join('|')} within ${timeoutMs} ms`);
}

/** Sends `send()` repeatedly until `until()` resolves, recording statuses and latencies. */
export async function drive(
  send: () => Promise<{ status: number }>,
  until: Promise<unknown>,
  into: Tally,
  pauseMs = 5,
): Promise<void> {
  let done = false;
  const stop = () => {
    done = true;
  };
  // Its rejection is the caller's to handle; here it only ends the loop.
  until.then(stop, stop);
  while (!done) {
    const started = performance.now();
    const res = await send();
    into.maxMs = Math.max(into.maxMs, performance.now() - started);
    into.total += 1;
    into.byStatus[res.status] = (into.byStatus[res.status] ?? 0) + 1;
    await sleep(pauseMs);
  }
}
