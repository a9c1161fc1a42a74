import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';

/** Signed tree heads the service has published, so earlier heads can be served and audited. */
@Entity('tree_heads')
export class TreeHeadEntity {
  @PrimaryColumn({ name: 'tree_size', type: 'bigint', transformer: bigintNumber })
  treeSize!: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 64 })
  rootHash!: string;

  @Column({ type: 'varchar', length: 30 })
  timestamp!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;
}
