import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';

/** The single row (id 1) holding the log's size and root; appends update it under a lock. */
@Entity('log_state')
export class LogStateEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'tree_size', type: 'bigint', transformer: bigintNumber })
  treeSize!: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 64 })
  rootHash!: string;
}
