import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';

/** Tag index: one row per (memory, tag), with the leaf index for ordered, paginated filters. */
@Entity('memory_tags')
@Index('idx_memory_tags_tag_leaf', ['tag', 'leafIndex'])
export class MemoryTagEntity {
  @PrimaryColumn({ name: 'memory_id', type: 'varchar', length: 36 })
  memoryId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag!: string;

  @Column({ name: 'leaf_index', type: 'bigint', transformer: bigintNumber })
  leafIndex!: number;
}
