import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { MemoryRepository } from './memory.repository';
import { MemoryService } from './memory.service';

const BATCH = 500;

export interface ForgetReport {
  forgotten: Array<{ id: string; kind: string; reason: 'expired' | 'faded' }>;
}

/** Use cases the scheduled cleanup job calls. */
@Injectable()
export class MemoryMaintenanceService {
  private readonly logger = new Logger(MemoryMaintenanceService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: MemoryRepository,
    private readonly memories: MemoryService,
  ) {}

  /**
   * Forgets every memory whose `expiresAt` has passed or whose current strength is below
   * PHOENIX_MEMORY_FORGET_BELOW — never pinned ones nor retained kinds. Candidates come from
   * indexed columns (expires_at, fades_at); each is re-checked against the current strength.
   */
  async forgetExpiredAndFaded(now = Date.now(), max = 10_000): Promise<ForgetReport> {
    const { retainedKinds, forgetBelow } = this.config.memory;
    const forgotten: ForgetReport['forgotten'] = [];
    const skipped = new Set<string>();
    while (forgotten.length < max) {
      const batch = (
        await this.repository.forgetCandidates(now, retainedKinds, BATCH + skipped.size)
      ).filter((m) => !skipped.has(m.id));
      if (batch.length === 0) {
        break;
      }
      for (const memory of batch) {
        const expired = memory.expiresAt !== null && memory.expiresAt <= now;
        const faded = this.memories.strengthOf(memory, now) < forgetBelow;
        if (!expired && !faded) {
          // fades_at was computed under another threshold or half-life; leave it be.
          skipped.add(memory.id);
          continue;
        }
        if (await this.repository.forget(memory.id, now)) {
          const reason = expired ? 'expired' : 'faded';
          forgotten.push({ id: memory.id, kind: memory.kind, reason });
          this.memories.published({
            id: memory.id,
            kind: memory.kind,
            leafIndex: memory.leafIndex,
            reason,
          });
        }
      }
      if (batch.length < BATCH) {
        break;
      }
    }
    if (forgotten.length > 0) {
      this.logger.log(`forgot ${forgotten.length} expired or faded memories`);
    }
    return { forgotten };
  }

  /** Keeps the newest `keep` signed tree heads. */
  pruneTreeHeads(keep = 1000): Promise<number> {
    return this.repository.pruneHeads(keep);
  }
}
