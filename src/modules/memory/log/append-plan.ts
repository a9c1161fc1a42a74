import { leafInput } from '../leaf';
import {
  appendNodes,
  hashLeaf,
  MerkleNode,
  NodeId,
  nodeKey,
  resolveRoot,
  rootPlan,
} from '../merkle';

/** A validated memory waiting for its leaf. Times are epoch milliseconds. */
export interface PendingMemory {
  id: string;
  kind: string;
  contentType: string;
  /** Canonical JSON of the content (RFC 8785). */
  canonical: string;
  contentSha256: string;
  sizeBytes: number;
  /** Sorted, without duplicates: the leaf's order. */
  tags: string[];
  importance: number;
  strength: number;
  pinned: boolean;
  createdAt: number;
  expiresAt: number | null;
  fadesAt: number | null;
}

export interface AppendedMemory extends PendingMemory {
  leafIndex: number;
  leafHash: string;
}

/** The hashes of the complete subtrees that make up a tree of `size` leaves (its right edge). */
export interface Frontier {
  size: number;
  nodes: Map<string, Buffer>;
}

export interface AppendPlan {
  appended: AppendedMemory[];
  /** Every node that became complete, leaves included. */
  nodes: MerkleNode[];
  frontier: Frontier;
  rootHash: string;
}

export function frontierIds(size: number): readonly NodeId[] {
  return rootPlan(size).nodes;
}

/**
 * Assigns leaf indices to a batch and computes the new complete subtrees and root from the
 * frontier alone: O(log n) hashing per leaf, no reads beyond the frontier.
 */
export function planAppend(frontier: Frontier, batch: readonly PendingMemory[]): AppendPlan {
  const known = new Map(frontier.nodes);
  const lookup = (id: NodeId) => known.get(nodeKey(id));
  const appended: AppendedMemory[] = [];
  const nodes: MerkleNode[] = [];
  let size = frontier.size;
  for (const memory of batch) {
    const leafHash = hashLeaf(
      leafInput({
        id: memory.id,
        kind: memory.kind,
        contentType: memory.contentType,
        contentSha256: memory.contentSha256,
        tags: memory.tags,
        createdAt: new Date(memory.createdAt).toISOString(),
      }),
    );
    for (const node of appendNodes(size, leafHash, lookup)) {
      known.set(nodeKey(node), node.hash);
      nodes.push(node);
    }
    appended.push({ ...memory, leafIndex: size, leafHash: leafHash.toString('hex') });
    size += 1;
  }
  const plan = rootPlan(size);
  const rootHash = resolveRoot(plan, lookup).toString('hex');
  const next = new Map<string, Buffer>();
  for (const id of plan.nodes) {
    const key = nodeKey(id);
    next.set(key, known.get(key) as Buffer);
  }
  return { appended, nodes, frontier: { size, nodes: next }, rootHash };
}
