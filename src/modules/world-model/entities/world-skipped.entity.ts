import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../memory/entities/columns';

/** An observation the projection could not read (stored through the memory API), and why. */
@Entity('world_skipped')
export class WorldSkippedEntity {
  @PrimaryColumn({ type: 'integer' })
  generation!: number;

  @PrimaryColumn({ name: 'leaf_index', type: 'bigint', transformer: bigintNumber })
  leafIndex!: number;

  @Column({ name: 'memory_id', type: 'varchar', length: 36 })
  memoryId!: string;

  @Column({ type: 'text' })
  reason!: string;
}
