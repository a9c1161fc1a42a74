import { failsAnyWrite } from '../database-errors';
import { GroupCommit } from '../group-commit';
import type { AppendedMemory, PendingMemory } from './append-plan';
import type { AppendResult, LogWriter } from './log-writer';

/** Largest batch per transaction: bounds the transaction's size and the latency of its first entry. */
export const MAX_APPEND_BATCH = 128;

export interface QueuedAppend {
  appended: AppendedMemory;
  treeSize: number;
  rootHash: string;
}

/**
 * Group commit of appends (see GroupCommit): the stores of one event-loop turn, and those that
 * arrive while a transaction runs, share the next transaction; each caller learns its own leaf
 * index. A memory that fails its batch is retried alone, so only that memory's request fails,
 * and nothing of a failed memory is stored (its row, tags and leaf commit together or not).
 */
export class AppendQueue {
  private readonly group: GroupCommit<PendingMemory, QueuedAppend>;

  /** `onCommitted` runs once per committed transaction, before its callers are answered. */
  constructor(
    private readonly writer: LogWriter,
    private readonly onCommitted: (result: AppendResult) => void,
  ) {
    this.group = new GroupCommit((batch) => this.commit(batch), {
      maxBatch: MAX_APPEND_BATCH,
      failsAnyWrite,
    });
  }

  append(memory: PendingMemory): Promise<QueuedAppend> {
    return this.group.submit(memory);
  }

  /** Resolves once every append accepted so far has committed or failed. */
  idle(): Promise<void> {
    return this.group.idle();
  }

  private async commit(batch: readonly PendingMemory[]): Promise<QueuedAppend[]> {
    const result = await this.writer.append(batch);
    try {
      this.onCommitted(result);
    } catch {
      // Committed is committed: a listener's failure must not fail the batch (it would be
      // retried, and appended twice). MemoryComponent logs its listeners' errors itself.
    }
    const { treeSize, rootHash } = result;
    return result.appended.map((appended) => ({ appended, treeSize, rootHash }));
  }
}
