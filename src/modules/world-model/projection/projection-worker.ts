import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ComponentUnavailableError } from '../../../common/errors/domain-error';
import { failsAnyWrite } from '../../memory/database-errors';
import { applyLeaves, mergeWrites, withdrawLeaves } from './apply-leaves';
import type { ForgetJournal } from './forget-journal';
import { Housekeeping } from './housekeeping';
import { NO_COUNTS, type LeafInput } from './plan';
import type { RebuildJob } from './rebuild-job';
import {
  activeOf,
  Generation,
  isEmpty,
  NO_WRITES,
  WorldReader,
  WorldStore,
  WorldWrites,
} from './world-store';

const FORGETS_PER_UNIT = 1000;
/**
 * After a unit that reached the head of the log, the next one waits this long, so that under
 * load a unit takes the leaves of several appends: fewer, larger transactions (each commit
 * rewrites the index pages it touched) for a lag of a few milliseconds more.
 */
export const COALESCE_MS = 10;

export interface ProjectionWorkerOptions {
  store: WorldStore;
  /** Leaves [start, end) through the memory component's boundary. */
  readLeaves: (start: number, end: number) => Promise<LeafInput[]>;
  batchLeaves: number;
  intervalMs: number;
  forgets: ForgetJournal;
  /** A fatal error: the component fails and the supervisor restarts it. */
  onFatal: (error: unknown) => void;
  logger: { log(message: string): void; warn(message: string): void };
}

export interface ProjectionStats {
  /** Units that wrote something (any change to the projection bumps it). */
  commits: number;
  units: number;
  leaves: number;
  facts: number;
  skipped: number;
}

/**
 * The projection's one worker: a loop that withdraws forgotten observations, applies the next
 * batch of leaves, advances a rebuild, and tidies up — one unit at a time, so its transactions
 * never interleave. It wakes on a nudge (memory.appended) or on its catch-up timer. While the
 * memory component is unavailable it pauses (logged once) and resumes from its cursor.
 */
export class ProjectionWorker {
  readonly stats: ProjectionStats = { commits: 0, units: 0, leaves: 0, facts: 0, skipped: 0 };
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeOnNudge = true;
  /** The last live unit applied leaves and reached the head of the log (nothing waits). */
  private atHead = false;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private pausedBecause: string | null = null;
  private job: RebuildJob | null = null;
  /** The last rebuild swapped in, until the generation it replaced is deleted. */
  private swapped: RebuildJob | null = null;
  private readonly readSize = { live: 0, rebuild: 0 };
  /** Leaves read by the unit in progress to apply them (0: none), so a failure can be blamed. */
  private applying = 0;

  private readonly housekeeping: Housekeeping;

  constructor(private readonly options: ProjectionWorkerOptions) {
    this.housekeeping = new Housekeeping({
      store: options.store,
      unit: (work) => this.unit(work),
      readLeaves: options.readLeaves,
      forgets: options.forgets,
    });
    this.readSize.live = options.batchLeaves;
    this.readSize.rebuild = options.batchLeaves;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the loop after the unit in progress; clears the timer. Safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.job?.finish('aborted', 'the world model stopped before the rebuild finished');
    this.job = null;
  }

  /** Something may be waiting (an append, a forget, a rebuild request): work now. */
  nudge(): void {
    this.dirty = true;
    if (this.wakeOnNudge) {
      this.wake?.();
    }
  }

  rebuild(job: RebuildJob): void {
    this.job = job;
    this.nudge();
  }

  /** Why the projection is paused, or null while it runs. */
  get paused(): string | null {
    return this.pausedBecause;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.dirty = false;
      let progressed = false;
      try {
        progressed = await this.step();
        this.resumed();
      } catch (error) {
        if (error instanceof ComponentUnavailableError && error.component === 'memory') {
          this.pause(error.message);
        } else {
          this.running = false;
          this.job?.finish('failed', errorMessage(error));
          this.options.onFatal(error);
          return;
        }
      }
      if (!this.running) {
        return;
      }
      if (progressed && this.atHead && !this.job?.running) {
        await this.sleep(COALESCE_MS, false);
      } else if (progressed || this.dirty) {
        await yieldToLoop();
      } else {
        await this.sleep(this.options.intervalMs, true);
      }
    }
  }

  private async step(): Promise<boolean> {
    const withdrew = await this.withdrawForgotten();
    const applied = await this.applyNext();
    const rebuilt = this.job?.running ? await this.rebuildStep(this.job) : false;
    const tidied =
      withdrew || applied || rebuilt
        ? false
        : await this.housekeeping.step(this.job?.status.generation ?? null, (generation) => {
            if (this.swapped?.status.replacedGeneration === generation) {
              this.swapped.status.replacedDeleted = true;
              this.swapped = null;
            }
          });
    return withdrew || applied || rebuilt || tidied;
  }

  private async withdrawForgotten(): Promise<boolean> {
    const leaves = this.options.forgets.take(FORGETS_PER_UNIT);
    if (leaves.length === 0) {
      return false;
    }
    try {
      await this.unit(async (reader) => {
        const live = (await reader.generations()).filter((g) => g.state !== 'retired');
        const writes = [];
        for (const g of live) {
          writes.push(await withdrawLeaves(reader, g, leaves));
        }
        return { writes: mergeWrites(writes), result: undefined };
      });
    } catch (error) {
      this.options.forgets.giveBack(leaves);
      throw error;
    }
    this.options.forgets.settle(leaves);
    return true;
  }

  private async applyNext(): Promise<boolean> {
    return this.isolatingPoison(
      'live',
      () =>
        this.unit(async (reader) => {
          const active = activeOf(await reader.generations());
          return this.applyFrom(reader, active, 'live');
        }),
      true,
    );
  }

  /**
   * Runs a unit that may apply leaves. When applying them fails for a reason retrying cannot fix
   * (anything but the memory component or the database being unavailable), the next unit takes
   * one leaf; if that one leaf fails too, it is recorded as skipped and the cursor moves past it:
   * a poison leaf never wedges the projection. Transient errors are thrown as before (a pause,
   * or a restart by the supervisor with its backoff).
   */
  private async isolatingPoison<T>(
    which: 'live' | 'rebuild',
    work: () => Promise<T>,
    progressed: T,
    job?: RebuildJob,
  ): Promise<T> {
    this.applying = 0;
    try {
      return await work();
    } catch (error) {
      const transient =
        (error instanceof ComponentUnavailableError && error.component === 'memory') ||
        failsAnyWrite(error);
      const applying = this.applying;
      if (applying === 0 || transient) {
        throw error;
      }
      if (applying > 1) {
        this.readSize[which] = 1;
        return progressed;
      }
      await this.skipPoisonLeaf(which, error, job);
      return progressed;
    }
  }

  private async skipPoisonLeaf(
    which: 'live' | 'rebuild',
    error: unknown,
    job?: RebuildJob,
  ): Promise<void> {
    const skipped = await this.unit(async (reader) => {
      const gens = await reader.generations();
      const generation =
        which === 'live'
          ? activeOf(gens)
          : gens.find((g) => g.generation === job?.status.generation && g.state === 'building');
      const from = (generation?.appliedThrough ?? -2) + 1;
      const [leaf] = generation ? await this.options.readLeaves(from, from + 1) : [];
      if (!generation || leaf?.leafIndex !== from) {
        return { writes: NO_WRITES, result: null };
      }
      const reason = `could not be projected (${errorCode(error)}); retrying cannot fix it`;
      const writes: WorldWrites = {
        ...NO_WRITES,
        skipped: [
          { generation: generation.generation, leafIndex: from, memoryId: leaf.id, reason },
        ],
        generations: [{ ...generation, appliedThrough: from }],
      };
      return { writes, result: leaf };
    });
    if (skipped) {
      const counters = job ? job.status : this.stats;
      counters.leaves += 1;
      counters.skipped += 1;
      // The full text may name internals: the log has it, the skipped list only its code.
      this.options.logger.warn(
        `leaf ${skipped.leafIndex} (memory ${skipped.id}) skipped: ${errorMessage(error)}`,
      );
    }
  }

  private async rebuildStep(job: RebuildJob): Promise<boolean> {
    const outcome = await this.isolatingPoison(
      'rebuild',
      () =>
        this.unit(async (reader) => {
          const gens = await reader.generations();
          const active = activeOf(gens);
          if (job.status.generation === null) {
            const generation = gens.reduce((max, g) => Math.max(max, g.generation), 0) + 1;
            job.status.generation = generation;
            const created = {
              generation,
              state: 'building' as const,
              appliedThrough: -1,
              counts: NO_COUNTS,
            };
            return {
              writes: { ...NO_WRITES, generations: [created] },
              result: 'progress' as const,
            };
          }
          const building = gens.find((g) => g.generation === job.status.generation);
          if (building?.state !== 'building') {
            return { writes: NO_WRITES, result: 'lost' as const };
          }
          if (building.appliedThrough >= active.appliedThrough) {
            const swap = [
              { ...building, state: 'active' as const },
              { ...active, state: 'retired' as const },
            ];
            job.status.replacedGeneration = active.generation;
            return { writes: { ...NO_WRITES, generations: swap }, result: 'swapped' as const };
          }
          const { writes, result } = await this.applyFrom(reader, building, 'rebuild', job);
          return { writes, result: result ? ('progress' as const) : ('idle' as const) };
        }),
      'progress' as const,
      job,
    );
    if (outcome === 'swapped') {
      job.finish('succeeded');
      this.job = null;
      this.swapped = job;
      this.options.logger.log(
        `rebuild done: generation ${job.status.generation} is active (${job.status.facts} facts, ${job.status.durationMs} ms)`,
      );
    } else if (outcome === 'lost') {
      job.finish('aborted', 'the generation being built was retired by another process');
      this.job = null;
    }
    return outcome !== 'idle';
  }

  /** Reads the next leaves after `generation`'s cursor and applies them (one unit). */
  private async applyFrom(
    reader: WorldReader,
    generation: Generation,
    which: 'live' | 'rebuild',
    job?: RebuildJob,
  ) {
    const from = generation.appliedThrough + 1;
    const asked = this.readSize[which];
    const leaves = await this.options.readLeaves(from, from + asked);
    if (which === 'live') {
      this.atHead = leaves.length > 0 && leaves.length < asked;
    }
    if (leaves.length === 0) {
      return { writes: NO_WRITES, result: false };
    }
    this.applying = leaves.length;
    const applied = await applyLeaves(reader, generation, leaves);
    // Read about as many leaves as a unit takes: large observations need fewer per unit.
    this.readSize[which] =
      applied.leaves < leaves.length
        ? Math.max(1, applied.leaves)
        : Math.min(this.options.batchLeaves, this.readSize[which] * 2);
    const counters = job ? job.status : this.stats;
    counters.leaves += applied.leaves;
    counters.facts += applied.facts;
    counters.skipped += applied.skipped;
    if (!job) {
      this.stats.units += 1;
    }
    return { writes: applied.writes, result: true };
  }

  /** One exclusive unit of work; counts the ones that wrote. */
  private async unit<T>(
    work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
  ): Promise<T> {
    let wrote = false;
    const result = await this.options.store.exclusive(async (reader) => {
      const done = await work(reader);
      wrote = !isEmpty(done.writes);
      return done;
    });
    if (wrote) {
      this.stats.commits += 1;
    }
    return result;
  }

  /** Waits `ms`; a nudge ends the wait early when `nudgeable`, stop() always does. */
  private sleep(ms: number, nudgeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = null;
        resolve();
      };
      this.wake = done;
      this.wakeOnNudge = nudgeable;
      this.timer = setTimeout(done, ms);
    });
  }

  private pause(reason: string): void {
    if (this.pausedBecause === null) {
      this.options.logger.warn(`projection paused, it resumes from its cursor: ${reason}`);
    }
    this.pausedBecause = reason;
  }

  private resumed(): void {
    if (this.pausedBecause !== null) {
      this.pausedBecause = null;
      this.options.logger.log('projection resumed');
    }
  }
}

/** What the skipped list may say of an error: its code or class, never its text. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[\w-]{1,40}$/.test(code)) {
    return code;
  }
  return error instanceof Error ? error.name : typeof error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
