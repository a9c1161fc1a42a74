import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** PlasticLTM: memories, their tag index, the Merkle node store, the log state and tree heads. */
export class MemoryLog1795792000000 implements MigrationInterface {
  name = 'MemoryLog1795792000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'memories',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'leaf_index', type: 'bigint' },
          { name: 'leaf_hash', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '64' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'content', type: 'text', isNullable: true },
          { name: 'content_sha256', type: 'varchar', length: '64' },
          { name: 'size_bytes', type: 'integer' },
          { name: 'tags', type: 'text' },
          { name: 'importance', type: 'double precision' },
          { name: 'strength', type: 'double precision' },
          { name: 'pinned', type: 'boolean' },
          { name: 'created_at', type: 'bigint' },
          { name: 'reinforced_at', type: 'bigint' },
          { name: 'recall_count', type: 'integer', default: 0 },
          { name: 'expires_at', type: 'bigint', isNullable: true },
          { name: 'fades_at', type: 'bigint', isNullable: true },
          { name: 'forgotten_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'uq_memories_leaf_index',
            columnNames: ['leaf_index'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_memories_kind_leaf', columnNames: ['kind', 'leaf_index'] }),
          new TableIndex({ name: 'idx_memories_fades_at', columnNames: ['fades_at'] }),
          new TableIndex({ name: 'idx_memories_expires_at', columnNames: ['expires_at'] }),
          new TableIndex({ name: 'idx_memories_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'memory_tags',
        columns: [
          { name: 'memory_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '64', isPrimary: true },
          { name: 'leaf_index', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'idx_memory_tags_tag_leaf', columnNames: ['tag', 'leaf_index'] }),
        ],
        foreignKeys: [
          {
            name: 'fk_memory_tags_memory',
            columnNames: ['memory_id'],
            referencedTableName: 'memories',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'merkle_nodes',
        columns: [
          { name: 'level', type: 'integer', isPrimary: true },
          { name: 'idx', type: 'bigint', isPrimary: true },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'log_state',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'tree_size', type: 'bigint' },
          { name: 'root_hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO log_state (id, tree_size, root_hash) VALUES (1, 0, '${EMPTY_ROOT}')`,
    );
    await queryRunner.createTable(
      new Table({
        name: 'tree_heads',
        columns: [
          { name: 'tree_size', type: 'bigint', isPrimary: true },
          { name: 'root_hash', type: 'varchar', length: '64' },
          { name: 'timestamp', type: 'varchar', length: '30' },
          { name: 'signature', type: 'text' },
          { name: 'key_id', type: 'varchar', length: '64' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('tree_heads');
    await queryRunner.dropTable('log_state');
    await queryRunner.dropTable('merkle_nodes');
    await queryRunner.dropTable('memory_tags');
    await queryRunner.dropTable('memories');
  }
}
