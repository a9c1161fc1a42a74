import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ComponentName } from '../component';
import { FaultNotFoundError } from '../kernel.errors';
import { ActiveFault, Fault, FaultSpec, isExpired, selectFault } from './fault';

/**
 * The faults injected through the admin chaos API. Expired faults are dropped whenever the
 * list is read, so they need no timer; the boundary asks `pick` on every call.
 */
@Injectable()
export class FaultInjector {
  private readonly logger = new Logger('Chaos');
  private readonly faults = new Map<string, ActiveFault>();

  add(spec: FaultSpec, now = Date.now()): Fault {
    const fault: ActiveFault = {
      ...spec,
      id: randomUUID(),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + spec.durationMs).toISOString(),
      expiresAtMs: now + spec.durationMs,
    };
    this.faults.set(fault.id, fault);
    this.logger.warn(
      { fault: publicView(fault) },
      `fault injected: ${spec.type} on ${spec.component}`,
    );
    return publicView(fault);
  }

  list(now = Date.now()): Fault[] {
    this.prune(now);
    return [...this.faults.values()].map(publicView);
  }

  /** Clears one fault; FaultNotFoundError (404) if no active fault has this id. */
  remove(id: string, now = Date.now()): void {
    this.prune(now);
    if (!this.faults.delete(id)) {
      throw new FaultNotFoundError(id);
    }
    this.logger.warn({ faultId: id }, 'fault cleared');
  }

  clear(): number {
    const count = this.faults.size;
    this.faults.clear();
    if (count > 0) {
      this.logger.warn({ count }, 'all faults cleared');
    }
    return count;
  }

  /** The fault that hits this call to `component`, if any. */
  pick(component: ComponentName, now?: number, random?: () => number): Fault | undefined {
    // Asked on every call through the boundary: nothing to read, not even the clock, without faults.
    if (this.faults.size === 0) {
      return undefined;
    }
    const at = now ?? Date.now();
    this.prune(at);
    const fault = selectFault(this.faults.values(), component, at, random);
    return fault ? publicView(fault) : undefined;
  }

  private prune(now: number): void {
    for (const [id, fault] of this.faults) {
      if (isExpired(fault, now)) {
        this.faults.delete(id);
      }
    }
  }
}

function publicView({ expiresAtMs: _expiresAtMs, ...fault }: ActiveFault): Fault {
  return fault;
}
