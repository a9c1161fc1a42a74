import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns';

/**
 * One memory and its leaf. Times are epoch milliseconds (portable and exact to the leaf's
 * ISO millisecond). Forgetting nulls `content` and sets `forgottenAt`; every leaf field stays.
 */
@Entity('memories')
@Index('idx_memories_kind_leaf', ['kind', 'leafIndex'])
@Index('idx_memories_fades_at', ['fadesAt'])
@Index('idx_memories_expires_at', ['expiresAt'], { where: 'expires_at IS NOT NULL' })
@Index('idx_memories_created_at', ['createdAt'])
export class MemoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('uq_memories_leaf_index', { unique: true })
  @Column({ name: 'leaf_index', type: 'bigint', transformer: bigintNumber })
  leafIndex!: number;

  @Column({ name: 'leaf_hash', type: 'varchar', length: 64 })
  leafHash!: string;

  @Column({ type: 'varchar', length: 64 })
  kind!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 64 })
  contentType!: string;

  /** Canonical JSON of the content; null once forgotten. */
  @Column({ type: 'text', nullable: true })
  content!: string | null;

  @Column({ name: 'content_sha256', type: 'varchar', length: 64 })
  contentSha256!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  /** Sorted tags as a JSON array (the leaf's order); memory_tags indexes them. */
  @Column({ type: 'text' })
  tags!: string;

  @Column({ type: 'double precision' })
  importance!: number;

  /** Strength at `reinforcedAt`; the current strength decays from there. */
  @Column({ type: 'double precision' })
  strength!: number;

  @Column({ type: 'boolean' })
  pinned!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'reinforced_at', type: 'bigint', transformer: bigintNumber })
  reinforcedAt!: number;

  @Column({ name: 'recall_count', type: 'integer', default: 0 })
  recallCount!: number;

  @Column({ name: 'expires_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  expiresAt!: number | null;

  /** When strength falls below the forget threshold, if never recalled again (cleanup index). */
  @Column({ name: 'fades_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  fadesAt!: number | null;

  @Column({ name: 'forgotten_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  forgottenAt!: number | null;
}
