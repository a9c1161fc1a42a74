import type { AppendedMemory, PendingMemory } from './append-plan';

export interface AppendResult {
  appended: AppendedMemory[];
  treeSize: number;
  rootHash: string;
}

/**
 * Appends a batch of memories to the log in one transaction: the rows, their tags, the new
 * Merkle nodes and the log state commit together or not at all. Implementations serialize
 * appends (SQLite: one synchronous transaction; PostgreSQL: a transaction-scoped advisory lock).
 */
export interface LogWriter {
  append(batch: readonly PendingMemory[]): Promise<AppendResult>;
  /** Forgets the cached frontier (after a failure, or when another process may have appended). */
  reset(): void;
}

export const LOG_WRITER = Symbol('LOG_WRITER');

/** Advisory lock key that serializes appends across processes on PostgreSQL ("PHXLOG"). */
export const LOG_APPEND_LOCK_KEY = 0x50_48_58_4c_4f_47;
