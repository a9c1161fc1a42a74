/** Published after an append commits (in-process; the world model listens). */
export const MEMORY_APPENDED = 'memory.appended';
export interface MemoryAppendedEvent {
  /** Leaf indices [fromIndex, toIndex) were committed. */
  fromIndex: number;
  toIndex: number;
  treeSize: number;
  kinds: string[];
}

/** Published after a memory is forgotten (by a user or the cleanup job). */
export const MEMORY_FORGOTTEN = 'memory.forgotten';
export interface MemoryForgottenEvent {
  id: string;
  kind: string;
  leafIndex: number;
  reason: 'user' | 'expired' | 'faded';
}
