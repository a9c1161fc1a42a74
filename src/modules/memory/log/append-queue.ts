import type { AppendedMemory, PendingMemory } from './append-plan';
import type { AppendResult, LogWriter } from './log-writer';

interface Waiter {
  memory: PendingMemory;
  resolve: (result: { appended: AppendedMemory; treeSize: number; rootHash: string }) => void;
  reject: (error: unknown) => void;
}

/** Largest batch per transaction: bounds the transaction's size and the latency of its first entry. */
export const MAX_APPEND_BATCH = 128;

/**
 * Group commit: appends that arrive while a transaction runs are written together in the next
 * one. A batch commits or fails as a whole, and each caller learns its own leaf index.
 */
export class AppendQueue {
  private pending: Waiter[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly writer: LogWriter,
    private readonly onCommitted: (result: AppendResult) => void,
  ) {}

  append(
    memory: PendingMemory,
  ): Promise<{ appended: AppendedMemory; treeSize: number; rootHash: string }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ memory, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = null;
      });
    });
  }

  /** Resolves once every append accepted so far has committed or failed. */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  private async drain(): Promise<void> {
    // Let appends arriving in the same tick join the first batch.
    await Promise.resolve();
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_APPEND_BATCH);
      let result: AppendResult;
      try {
        result = await this.writer.append(batch.map((w) => w.memory));
      } catch (error) {
        batch.forEach((w) => w.reject(error));
        continue;
      }
      batch.forEach((w, i) =>
        w.resolve({
          appended: result.appended[i],
          treeSize: result.treeSize,
          rootHash: result.rootHash,
        }),
      );
      this.onCommitted(result);
    }
  }
}
