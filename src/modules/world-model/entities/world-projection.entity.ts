import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../memory/entities/columns';

/**
 * One generation of the projection and its cursor. Exactly one is `active` (queries read it);
 * a rebuild writes a `building` one and swaps it in; `retired` ones are being deleted.
 */
@Entity('world_projection')
export class WorldProjectionEntity {
  @PrimaryColumn({ type: 'integer' })
  generation!: number;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /** The last leaf index applied, -1 before the first. */
  @Column({ name: 'applied_through', type: 'bigint', transformer: bigintNumber })
  appliedThrough!: number;

  /** Current facts (the coherence denominator). */
  @Column({ name: 'current_facts', type: 'bigint', default: 0, transformer: bigintNumber })
  currentFacts!: number;

  /** Current facts in a contradiction. */
  @Column({ name: 'conflicting_facts', type: 'bigint', default: 0, transformer: bigintNumber })
  conflictingFacts!: number;

  /** Contradictions with a current fact. */
  @Column({ name: 'open_conflicts', type: 'bigint', default: 0, transformer: bigintNumber })
  openConflicts!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
