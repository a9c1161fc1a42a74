import { LogStateEntity } from './log-state.entity';
import { MemoryTagEntity } from './memory-tag.entity';
import { MemoryEntity } from './memory.entity';
import { MerkleNodeEntity } from './merkle-node.entity';
import { TreeHeadEntity } from './tree-head.entity';

export { LogStateEntity, MemoryEntity, MemoryTagEntity, MerkleNodeEntity, TreeHeadEntity };
export const MEMORY_ENTITIES = [
  MemoryEntity,
  MemoryTagEntity,
  MerkleNodeEntity,
  LogStateEntity,
  TreeHeadEntity,
];
