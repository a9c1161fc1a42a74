import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';
import { MemoryEntity } from './memory.entity';

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

  /** Declared so that the schema the entities describe has the migration's foreign key; never loaded. */
  @ManyToOne(() => MemoryEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'memory_id', foreignKeyConstraintName: 'fk_memory_tags_memory' })
  memory?: MemoryEntity;
}
