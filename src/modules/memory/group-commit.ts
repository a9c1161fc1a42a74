interface Waiter<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Largest batch per transaction: bounds the transaction's size and its first entry's wait. */
  maxBatch: number;
  /**
   * True for an error that any transaction would meet now (the database is unreachable, full,
   * busy or read-only), false for one that an item of the batch may have caused. After the
   * former the whole batch fails at once; after the latter its items are retried one by one.
   */
  failsAnyWrite: (error: unknown) => boolean;
}

/**
 * Group commit: items submitted during one turn of the event loop (and while a transaction
 * runs) are written together by one call of `commit`, which must write all of them in one
 * transaction or none, and return one result per item, in order. Each caller waits for its
 * item's transaction to commit.
 *
 * A transaction fails as a whole, so one bad item would fail every other item of its batch:
 * a failed batch is retried item by item (in order, each in its own transaction), and only the
 * items that fail alone are refused.
 */
export class GroupCommit<I, R> {
  private pending: Array<Waiter<I, R>> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly commit: (batch: readonly I[]) => Promise<readonly R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every item submitted so far has committed or failed. */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  private async drain(): Promise<void> {
    // Node runs each socket's callback and then the microtasks it queued before the next
    // socket's: waiting one microtask would take every request's item alone. setImmediate
    // waits until the requests read in this turn of the loop have all submitted theirs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0) {
        await this.settle(this.pending.splice(0, this.options.maxBatch));
      }
    } finally {
      // In the same step as the last look at `pending`: an item submitted after it starts a
      // new drain instead of waiting for this one, which is over.
      this.running = null;
    }
  }

  private async settle(batch: Array<Waiter<I, R>>): Promise<void> {
    try {
      const results = await this.commit(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
      return;
    } catch (error) {
      if (batch.length === 1 || this.options.failsAnyWrite(error)) {
        batch.forEach((w) => w.reject(error));
        return;
      }
    }
    for (const [i, w] of batch.entries()) {
      try {
        const [result] = await this.commit([w.item]);
        w.resolve(result);
      } catch (error) {
        w.reject(error);
        if (this.options.failsAnyWrite(error)) {
          // The rest would meet the same error, one transaction (or busy timeout) each.
          batch.slice(i + 1).forEach((rest) => rest.reject(error));
          return;
        }
      }
    }
  }
}
