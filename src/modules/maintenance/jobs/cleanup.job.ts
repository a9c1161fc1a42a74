import { Injectable } from '@nestjs/common';
import { ComponentRegistry } from '../../../kernel';
import { MemoryMaintenanceService } from '../../memory/memory-maintenance.service';
import type { JobReport, MaintenanceJob } from '../maintenance-job';
import { isServing } from './component-serving';

/** Signed tree heads kept by the cleanup job (the newest ones; older proofs stay verifiable). */
export const TREE_HEADS_KEPT = 1000;

/**
 * Forgets expired and faded memories (PlasticLTM's rule: never pinned ones nor retained kinds;
 * the leaves stay, so proofs stay valid) and prunes old signed tree heads.
 */
@Injectable()
export class CleanupJob implements MaintenanceJob {
  readonly name = 'cleanup' as const;

  constructor(
    private readonly memory: MemoryMaintenanceService,
    private readonly registry: ComponentRegistry,
  ) {}

  appliesTo(): boolean {
    return true;
  }

  async run(signal: AbortSignal): Promise<JobReport> {
    if (!isServing(this.registry, 'memory')) {
      return { outcome: 'skipped', detail: 'the memory component is not serving' };
    }
    const { forgotten } = await this.memory.forgetExpiredAndFaded();
    signal.throwIfAborted();
    const pruned = await this.memory.pruneTreeHeads(TREE_HEADS_KEPT);
    const expired = forgotten.filter((m) => m.reason === 'expired').length;
    return {
      outcome: 'success',
      detail:
        `forgot ${forgotten.length} memories (${expired} expired, ` +
        `${forgotten.length - expired} faded); pruned ${pruned} tree heads`,
    };
  }
}
