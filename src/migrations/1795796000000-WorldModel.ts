import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * WorldModel: the facts projected from observation memories, the projection's cursor per
 * generation (a rebuild writes a new generation and swaps it in), and the observations it
 * skipped as malformed.
 */
export class WorldModel1795796000000 implements MigrationInterface {
  name = 'WorldModel1795796000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const names = nameColumnOptions(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'world_projection',
        columns: [
          { name: 'generation', type: 'integer', isPrimary: true },
          // active | building | retired
          { name: 'state', type: 'varchar', length: '16' },
          // Last leaf index applied; -1 before the first.
          { name: 'applied_through', type: 'bigint' },
          // What coherence is computed from, kept with the cursor (never a scan of the facts).
          { name: 'current_facts', type: 'bigint', default: 0 },
          { name: 'conflicting_facts', type: 'bigint', default: 0 },
          { name: 'open_conflicts', type: 'bigint', default: 0 },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    const now = Date.now();
    await queryRunner.query(
      `INSERT INTO world_projection (generation, state, applied_through, created_at, updated_at) VALUES (1, 'active', -1, ${now}, ${now})`,
    );
    await queryRunner.createTable(
      new Table({
        name: 'world_facts',
        columns: [
          // Keyed by place in the log, so the projection appends at the end of the key. The
          // generation comes last: only the group index starts with it, which leaves a planner
          // with stale statistics no index but the right one for a group's facts.
          { name: 'source_leaf', type: 'bigint', isPrimary: true },
          { name: 'fact_index', type: 'integer', isPrimary: true },
          { name: 'generation', type: 'integer', isPrimary: true },
          { name: 'id', type: 'varchar', length: '80' },
          { name: 'subject', type: 'varchar', length: '256', ...names },
          { name: 'predicate', type: 'varchar', length: '256', ...names },
          { name: 'object', type: 'text', isNullable: true },
          { name: 'confidence', type: 'double precision' },
          { name: 'cardinality', type: 'varchar', length: '8' },
          { name: 'valid_from', type: 'bigint' },
          { name: 'valid_to', type: 'bigint' },
          { name: 'recorded_at', type: 'bigint' },
          { name: 'source_memory_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'superseded_by', type: 'varchar', length: '80', isNullable: true },
          { name: 'conflict_id', type: 'varchar', length: '32', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_world_facts_group_to',
            columnNames: ['generation', 'subject', 'predicate', 'valid_to'],
          }),
          // Partial: most facts are in no contradiction, and their writes skip this index.
          new TableIndex({
            name: 'idx_world_facts_conflict',
            columnNames: ['generation', 'conflict_id'],
            where: 'conflict_id IS NOT NULL',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'world_skipped',
        columns: [
          { name: 'generation', type: 'integer', isPrimary: true },
          { name: 'leaf_index', type: 'bigint', isPrimary: true },
          { name: 'memory_id', type: 'varchar', length: '36' },
          { name: 'reason', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('world_skipped');
    await queryRunner.dropTable('world_facts');
    await queryRunner.dropTable('world_projection');
  }
}

/**
 * Subjects and predicates sort and compare by code point on both databases: SQLite's BINARY
 * collation does; PostgreSQL needs the "C" collation (its default may be linguistic), so that
 * entity pages and prefix ranges are the same on both.
 */
function nameColumnOptions(queryRunner: QueryRunner): Partial<TableColumnOptions> {
  return queryRunner.connection.options.type === 'postgres' ? { collation: 'C' } : {};
}
