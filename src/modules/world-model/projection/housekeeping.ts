import type { ForgetJournal } from './forget-journal';
import { OBSERVATION_KIND, type LeafInput } from './plan';
import { activeOf, NO_WRITES, WorldReader, WorldStore, WorldWrites } from './world-store';

/** A building generation nobody has touched for this long was abandoned (its process died). */
const STALE_BUILD_MS = 60_000;
/** A retired generation is deleted after this grace, so queries that just read it finish. */
const RETIRED_GRACE_MS = 2000;
const PURGE_ROWS = 5000;
const SCAN_WINDOW = 1000;

/** Runs one exclusive unit of projection work (ProjectionWorker.unit). */
export type Unit = <T>(
  work: (reader: WorldReader) => Promise<{ writes: WorldWrites; result: T }>,
) => Promise<T>;

/**
 * The projection worker's idle-time work, one small piece per call: retire abandoned rebuilds,
 * delete retired generations in chunks, and scan the applied leaves for forgotten observations
 * that no event reported (see ForgetJournal).
 */
export class Housekeeping {
  private scanFrom: number | null = null;

  constructor(
    private readonly options: {
      store: WorldStore;
      unit: Unit;
      readLeaves: (start: number, end: number) => Promise<LeafInput[]>;
      forgets: ForgetJournal;
    },
  ) {}

  /**
   * Does one piece of work; false when there was none. `building` is the generation this
   * process is building (never abandoned); `onDeleted` hears of each generation deleted.
   */
  async step(building: number | null, onDeleted: (generation: number) => void): Promise<boolean> {
    const { store, unit } = this.options;
    const now = Date.now();
    const gens = await unit(async (reader) => ({
      writes: NO_WRITES,
      result: await reader.generations(),
    }));
    const abandoned = gens.filter(
      (g) =>
        g.state === 'building' && g.generation !== building && g.updatedAt < now - STALE_BUILD_MS,
    );
    if (abandoned.length > 0) {
      const retire = abandoned.map((g) => ({ ...g, state: 'retired' as const }));
      await unit(() =>
        Promise.resolve({ writes: { ...NO_WRITES, generations: retire }, result: undefined }),
      );
      return true;
    }
    const retired = gens.find((g) => g.state === 'retired' && g.updatedAt < now - RETIRED_GRACE_MS);
    if (retired) {
      if ((await store.purge(retired.generation, PURGE_ROWS)) === 0) {
        await store.dropGeneration(retired.generation);
        onDeleted(retired.generation);
      }
      return true;
    }
    return this.scanForForgotten();
  }

  /** One window of the scan for forgotten observations whose facts are still applied. */
  private async scanForForgotten(): Promise<boolean> {
    const { forgets, unit } = this.options;
    if (this.scanFrom === null) {
      if (!forgets.scanNeeded) {
        return false;
      }
      forgets.scanNeeded = false;
      this.scanFrom = 0;
    }
    const from = this.scanFrom;
    const next = await unit(async (reader) => ({
      writes: NO_WRITES,
      result: await reader.nextLeafWithFacts(activeOf(await reader.generations()).generation, from),
    }));
    if (next === null) {
      this.scanFrom = null;
      return false;
    }
    const leaves = await this.options.readLeaves(next, next + SCAN_WINDOW);
    leaves
      .filter((leaf) => leaf.kind === OBSERVATION_KIND && leaf.forgottenAt !== null)
      .forEach((leaf) => forgets.add(leaf.leafIndex));
    this.scanFrom = next + SCAN_WINDOW;
    return true;
  }
}
