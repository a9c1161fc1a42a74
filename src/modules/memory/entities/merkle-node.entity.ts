import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';

/**
 * The hash of a complete subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L).
 * Level 0 holds the leaf hashes. Roots and proofs are folded from O(log n) of these rows.
 */
@Entity('merkle_nodes')
export class MerkleNodeEntity {
  @PrimaryColumn({ type: 'integer' })
  level!: number;

  @PrimaryColumn({ name: 'idx', type: 'bigint', transformer: bigintNumber })
  index!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
