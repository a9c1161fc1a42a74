/**
 * Leaves of forgotten observations whose facts must be withdrawn. `memory.forgotten` events are
 * recorded here even while the world model is stopped (recording is all that happens then), so
 * a restart withdraws them first. What no event can cover — a forget that committed just before
 * the process died — is found by a scan of the applied leaves, once per process and whenever
 * the journal overflowed.
 */
export class ForgetJournal {
  private readonly leaves = new Set<number>();
  /** Taken by a unit that has not committed yet. */
  private readonly taking = new Set<number>();
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

  /**
   * Removes and returns up to `limit` leaves, smallest first; they count as pending until
   * `settle` (their withdrawal committed) or `giveBack` (it did not).
   */
  take(limit: number): number[] {
    const taken = [...this.leaves].sort((a, b) => a - b).slice(0, limit);
    taken.forEach((leaf) => {
      this.leaves.delete(leaf);
      this.taking.add(leaf);
    });
    return taken;
  }

  /** The withdrawal of these leaves committed. */
  settle(leaves: readonly number[]): void {
    leaves.forEach((leaf) => this.taking.delete(leaf));
  }

  /** Puts back leaves whose withdrawal did not commit. */
  giveBack(leaves: readonly number[]): void {
    this.settle(leaves);
    leaves.forEach((leaf) => this.add(leaf));
  }

  /** Leaves waiting to be taken. */
  get size(): number {
    return this.leaves.size;
  }

  /** Forgotten observations whose facts are still in the projection: queued or being withdrawn. */
  get pending(): number {
    return this.leaves.size + this.taking.size;
  }
}
