/**
 * Leaves of forgotten observations whose facts must be withdrawn. `memory.forgotten` events are
 * recorded here even while the world model is stopped (recording is all that happens then), so
 * a restart withdraws them first. What no event can cover — a forget that committed just before
 * the process died — is found by a scan of the applied leaves, once per process and whenever
 * the journal overflowed.
 */
export class ForgetJournal {
  private readonly leaves = new Set<number>();
  /** A scan of the applied leaves is due. */
  scanNeeded = true;

  constructor(private readonly capacity = 100_000) {}

  add(leafIndex: number): void {
    if (this.leaves.size >= this.capacity) {
      // Too many to keep: a scan finds them all again.
      this.leaves.clear();
      this.scanNeeded = true;
      return;
    }
    this.leaves.add(leafIndex);
  }

  /** Removes and returns up to `limit` leaves, smallest first. */
  take(limit: number): number[] {
    const taken = [...this.leaves].sort((a, b) => a - b).slice(0, limit);
    taken.forEach((leaf) => this.leaves.delete(leaf));
    return taken;
  }

  /** Puts back leaves whose withdrawal did not commit. */
  giveBack(leaves: readonly number[]): void {
    leaves.forEach((leaf) => this.add(leaf));
  }

  get size(): number {
    return this.leaves.size;
  }
}
