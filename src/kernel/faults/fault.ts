import type { ComponentName } from '../component';

export const FAULT_TYPES = ['error', 'latency', 'crash', 'hang'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Longest a fault may last; every fault expires by itself. */
export const MAX_FAULT_DURATION_MS = 10 * 60_000;
/** Longest delay a latency fault may add. */
export const MAX_FAULT_LATENCY_MS = 10 * 60_000;

export interface FaultSpec {
  component: ComponentName;
  type: FaultType;
  /** Chance in [0, 1] that a call is hit. */
  probability: number;
  /** Delay added by a latency fault; null for other types. */
  latencyMs: number | null;
  durationMs: number;
}

export interface Fault extends FaultSpec {
  id: string;
  createdAt: string;
  expiresAt: string;
}

/** A fault as the injector keeps it: the expiry as a number, compared on every call. */
export interface ActiveFault extends Fault {
  expiresAtMs: number;
}

export function isExpired(fault: ActiveFault, now: number): boolean {
  return fault.expiresAtMs <= now;
}

/**
 * The fault that hits a call to `component` at `now`: faults are tried in the order they were
 * injected, each with its own probability, and the first that fires wins. `random` returns a
 * number in [0, 1), like Math.random.
 */
export function selectFault(
  faults: Iterable<ActiveFault>,
  component: ComponentName,
  now: number,
  random: () => number = Math.random,
): ActiveFault | undefined {
  for (const fault of faults) {
    if (fault.component !== component || isExpired(fault, now)) {
      continue;
    }
    if (fault.probability >= 1 || random() < fault.probability) {
      return fault;
    }
  }
  return undefined;
}
