import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { SQLITE_BUSY_TIMEOUT_MS, sqlitePath } from '../../../database/data-source-options';
import { ComponentRegistry } from '../../../kernel';
import { EMPTY_ROOT, RootAccumulator } from '../../memory/merkle';
import { MemoryLogService } from '../../memory/memory-log.service';
import { MemoryVerificationService } from '../../memory/memory-verification.service';
import type { JobReport, MaintenanceJob } from '../maintenance-job';
import { INTEGRITY_FAILURES } from '../maintenance.metrics';
import { isServing } from './component-serving';
import { yieldToEventLoop } from './sqlite-connection';
import { SqliteWorker } from './sqlite-worker';

/** Leaves re-verified per run; a pass over a larger log spans several runs. */
export const LEAVES_PER_RUN = 200_000;
const LEAVES_PER_STEP = 2000;

/**
 * SQLite's `quick_check` (on a worker thread), then an incremental verification of the memory
 * log: each run recomputes up to LEAVES_PER_RUN leaves from their rows, resuming where the last
 * run stopped, and when it reaches the end of the log compares the recomputed root with the
 * stored one; the next run starts a new pass. Any mismatch fails the run and counts in
 * `phoenix_maintenance_integrity_failures_total`. The position is kept in memory: a restart
 * begins a new pass.
 */
@Injectable()
export class IntegrityJob implements MaintenanceJob {
  readonly name = 'integrity' as const;
  private cursor: RootAccumulator | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ComponentRegistry,
    private readonly log: MemoryLogService,
    private readonly verification: MemoryVerificationService,
    @InjectMetric(INTEGRITY_FAILURES) private readonly failures: Counter<string>,
  ) {
    for (const check of ['quick_check', 'merkle']) {
      failures.inc({ check }, 0);
    }
  }

  appliesTo(): boolean {
    return true;
  }

  async run(signal: AbortSignal): Promise<JobReport> {
    const parts: string[] = [];
    if (this.config.db.type === 'sqlite') {
      const problems = await this.quickCheck(signal);
      if (problems.length !== 1 || problems[0] !== 'ok') {
        this.failures.inc({ check: 'quick_check' });
        throw new Error(`quick_check: ${problems.slice(0, 5).join('; ')}`);
      }
      parts.push('quick_check ok');
    }
    if (!isServing(this.registry, 'memory')) {
      return {
        outcome: 'success',
        detail: [...parts, 'log not checked: memory not serving'].join('; '),
      };
    }
    parts.push(await this.verifyLog(signal));
    return { outcome: 'success', detail: parts.join('; ') };
  }

  /** quick_check reads the whole file: in a worker, so the event loop goes on serving. */
  private async quickCheck(signal: AbortSignal): Promise<string[]> {
    const worker = new SqliteWorker(sqlitePath(this.config), SQLITE_BUSY_TIMEOUT_MS);
    try {
      const rows = await worker.pragma<Record<string, unknown>>('quick_check', signal);
      return rows.map((row) => String(Object.values(row)[0]));
    } finally {
      await worker.close();
    }
  }

  private async verifyLog(signal: AbortSignal): Promise<string> {
    const { treeSize, rootHash } = await this.log.head();
    // A log smaller than the position (restored from a backup): start over.
    const accumulator =
      this.cursor && this.cursor.size <= treeSize ? this.cursor : new RootAccumulator();
    this.cursor = undefined;
    const from = accumulator.size;
    const end = Math.min(treeSize, from + LEAVES_PER_RUN);
    for (let start = from; start < end; start += LEAVES_PER_STEP) {
      signal.throwIfAborted();
      const mismatches = await this.verification.verifyRange(
        start,
        Math.min(start + LEAVES_PER_STEP, end),
        accumulator,
      );
      if (mismatches.length > 0) {
        this.failures.inc({ check: 'merkle' });
        const first = mismatches[0];
        throw new Error(
          `log: ${mismatches.length} mismatches from leaf ${start}, first ${first.problem} ` +
            `(memory ${first.memoryId ?? '-'}, leaf ${first.leafIndex ?? '-'}): ${first.detail}`,
        );
      }
      await yieldToEventLoop();
    }
    const checked = `log: ${end - from} leaves verified (${from} to ${end} of ${treeSize})`;
    if (end < treeSize) {
      this.cursor = accumulator;
      return `${checked}; the next run resumes at ${end}`;
    }
    const root = (treeSize === 0 ? Buffer.from(EMPTY_ROOT) : accumulator.root()).toString('hex');
    if (root !== rootHash) {
      this.failures.inc({ check: 'merkle' });
      throw new Error(`log: recomputed root ${root} differs from the stored root ${rootHash}`);
    }
    return `${checked}; the root of ${treeSize} leaves matches`;
  }
}
