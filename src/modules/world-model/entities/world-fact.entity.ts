import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../memory/entities/columns';

/**
 * The migration's collation for subjects and predicates. Entity metadata is built once per
 * process from DB_TYPE; at run time it only matters to the CLI's schema comparison (no DDL is
 * ever derived from entities: synchronize is off).
 */
const BYTE_ORDER = process.env.DB_TYPE === 'postgres' ? { collation: 'C' } : {};

/**
 * One claim of an observation and what the rules derived for it, in one generation of the
 * projection, keyed by its place in the log (so the projection appends at the table's end).
 * `validTo` is stored without NULLs so that "open at t" is one index range: OPEN_END for
 * current facts, `validFrom` for claims that never held (see projection/rows.ts).
 * On PostgreSQL, subject and predicate use the "C" collation (set by the migration; declared here
 * for PostgreSQL only, so that the TypeORM CLI compares like with like on either database).
 */
@Entity('world_facts')
@Index('idx_world_facts_group_to', ['generation', 'subject', 'predicate', 'validTo'])
@Index('idx_world_facts_conflict', ['generation', 'conflictId'], {
  where: 'conflict_id IS NOT NULL',
})
export class WorldFactEntity {
  @PrimaryColumn({ name: 'source_leaf', type: 'bigint', transformer: bigintNumber })
  sourceLeaf!: number;

  /** Position of the fact in its observation. */
  @PrimaryColumn({ name: 'fact_index', type: 'integer' })
  factIndex!: number;

  @PrimaryColumn({ type: 'integer' })
  generation!: number;

  /** `<source memory id>:<fact index>`, as the API names facts. */
  @Column({ type: 'varchar', length: 80 })
  id!: string;

  @Column({ type: 'varchar', length: 256, ...BYTE_ORDER })
  subject!: string;

  @Column({ type: 'varchar', length: 256, ...BYTE_ORDER })
  predicate!: string;

  /** JSON text of the scalar object; null for a retraction. */
  @Column({ type: 'text', nullable: true })
  object!: string | null;

  @Column({ type: 'double precision' })
  confidence!: number;

  @Column({ type: 'varchar', length: 8 })
  cardinality!: string;

  @Column({ name: 'valid_from', type: 'bigint', transformer: bigintNumber })
  validFrom!: number;

  @Column({ name: 'valid_to', type: 'bigint', transformer: bigintNumber })
  validTo!: number;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: bigintNumber })
  recordedAt!: number;

  @Column({ name: 'source_memory_id', type: 'varchar', length: 36 })
  sourceMemoryId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'superseded_by', type: 'varchar', length: 80, nullable: true })
  supersededBy!: string | null;

  @Column({ name: 'conflict_id', type: 'varchar', length: 32, nullable: true })
  conflictId!: string | null;
}
