import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { Brackets, DataSource, Repository } from 'typeorm';
import {
  LogStateEntity,
  MemoryEntity,
  MemoryTagEntity,
  MerkleNodeEntity,
  TreeHeadEntity,
} from './entities';
import { NodeId, nodeKey } from './merkle';
import { reinforceOnPostgres } from './postgres-reinforce';
import { Reinforcement, SqliteMemoryStatements } from './sqlite-memory-statements';

export type { Reinforcement } from './sqlite-memory-statements';

export interface MemoryFilter {
  kind?: string;
  tag?: string;
  /** Further tags that must all be present. */
  allTags?: readonly string[];
  since?: number;
  until?: number;
  q?: string;
  sort: 'newest' | 'strongest';
  limit: number;
  /** newest: leaf index to continue below. */
  beforeLeafIndex?: number;
  /** strongest: the page's clock and the last (strength, leaf index) seen. */
  strongest?: { now: number; halfLifeMs: number; after?: { strength: number; leafIndex: number } };
}

export interface LeafTagFilter {
  kind: string;
  /** Only leaves below this index. */
  beforeLeafIndex?: number;
  limit: number;
}

export interface LeafTagRow {
  id: string;
  leafIndex: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** JSON array, as stored. */
  tags: string;
}

/** Escapes LIKE wildcards so `q` is matched literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The only place that queries the memory tables (appends excepted: see log/*-log-writer.ts).
 * On SQLite the hot paths (recall, proof, head, the projections' reads) run on statements
 * prepared once (SqliteMemoryStatements); on PostgreSQL on TypeORM, whose driver binds
 * parameters, so its statements are not re-planned per value.
 */
@Injectable()
export class MemoryRepository {
  private readonly memories: Repository<MemoryEntity>;
  private readonly nodes: Repository<MerkleNodeEntity>;
  private readonly heads: Repository<TreeHeadEntity>;
  private readonly state: Repository<LogStateEntity>;
  private statements: SqliteMemoryStatements | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.memories = dataSource.getRepository(MemoryEntity);
    this.nodes = dataSource.getRepository(MerkleNodeEntity);
    this.heads = dataSource.getRepository(TreeHeadEntity);
    this.state = dataSource.getRepository(LogStateEntity);
  }

  findById(id: string): Promise<MemoryEntity | null> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return Promise.resolve(sqlite.memoryById(id));
    }
    return this.memories.findOneBy({ id });
  }

  findByLeafRange(start: number, end: number): Promise<MemoryEntity[]> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return Promise.resolve(sqlite.memoriesByLeafRange(start, end));
    }
    return this.memories
      .createQueryBuilder('m')
      .where('m.leafIndex >= :start AND m.leafIndex < :end', { start, end })
      .orderBy('m.leafIndex', 'ASC')
      .getMany();
  }

  async list(filter: MemoryFilter): Promise<Array<{ memory: MemoryEntity; current?: number }>> {
    const qb = this.memories.createQueryBuilder('m').where('m.forgottenAt IS NULL');
    if (filter.kind) {
      qb.andWhere('m.kind = :kind', { kind: filter.kind });
    }
    if (filter.tag) {
      qb.andWhere('m.id IN (SELECT t.memory_id FROM memory_tags t WHERE t.tag = :tag)', {
        tag: filter.tag,
      });
    }
    (filter.allTags ?? []).forEach((tag, i) => {
      qb.andWhere(`m.id IN (SELECT t.memory_id FROM memory_tags t WHERE t.tag = :all${i})`, {
        [`all${i}`]: tag,
      });
    });
    if (filter.since !== undefined) {
      qb.andWhere('m.createdAt >= :since', { since: filter.since });
    }
    if (filter.until !== undefined) {
      qb.andWhere('m.createdAt < :until', { until: filter.until });
    }
    if (filter.q) {
      qb.andWhere("LOWER(m.content) LIKE :q ESCAPE '\\'", { q: likePattern(filter.q) });
    }
    if (filter.sort === 'newest' || !filter.strongest) {
      if (filter.beforeLeafIndex !== undefined) {
        qb.andWhere('m.leafIndex < :before', { before: filter.beforeLeafIndex });
      }
      const rows = await qb.orderBy('m.leafIndex', 'DESC').take(filter.limit).getMany();
      return rows.map((memory) => ({ memory }));
    }
    // Current strength, computed at one clock for the whole listing so pages stay stable.
    const { now, halfLifeMs, after } = filter.strongest;
    const current = `(CASE WHEN m.pinned THEN m.strength ELSE m.strength * exp(-((:now - m.reinforced_at) * 1.0 / :halfLife) * ln(2)) END)`;
    qb.setParameters({ now, halfLife: halfLifeMs });
    if (after) {
      qb.andWhere(
        new Brackets((w) => {
          w.where(`${current} < :afterStrength`, { afterStrength: after.strength }).orWhere(
            `${current} = :afterStrength AND m.leafIndex < :afterLeaf`,
            { afterLeaf: after.leafIndex },
          );
        }),
      );
    }
    const { entities, raw } = await qb
      .addSelect(current, 'current_strength')
      .orderBy('current_strength', 'DESC')
      .addOrderBy('m.leafIndex', 'DESC')
      .limit(filter.limit)
      .getRawAndEntities<{ current_strength: number | string }>();
    return entities.map((memory, i) => ({ memory, current: Number(raw[i].current_strength) }));
  }

  /**
   * Leaf fields of the newest memories of a kind (by leaf index), forgotten ones included,
   * content not read: a (kind, leaf index) range. Raw rows: entity hydration would cost several
   * times the query on this hot path.
   */
  async leafTags(filter: LeafTagFilter): Promise<LeafTagRow[]> {
    const before = filter.beforeLeafIndex ?? Number.MAX_SAFE_INTEGER;
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.leafTags(filter.kind, before, filter.limit);
    }
    const rows = await this.memories
      .createQueryBuilder('m')
      .select('m.id', 'id')
      .addSelect('m.leafIndex', 'leafIndex')
      .addSelect('m.createdAt', 'createdAt')
      .addSelect('m.tags', 'tags')
      .where('m.kind = :kind AND m.leafIndex < :before', { kind: filter.kind, before })
      .orderBy('m.leafIndex', 'DESC')
      .limit(filter.limit)
      .getRawMany<{
        id: string;
        leafIndex: number | string;
        createdAt: number | string;
        tags: string;
      }>();
    // PostgreSQL returns BIGINT as a string.
    return rows.map((r) => ({
      ...r,
      leafIndex: Number(r.leafIndex),
      createdAt: Number(r.createdAt),
    }));
  }

  /**
   * The tree size, and the tags of the newest memories of a kind with a tag below it, newest
   * first: what a precedent read needs, without the other leaf fields. A (tag, leaf index)
   * range joined to memories on the leaf index (an integer unique key, not the UUID text key).
   */
  async latestTagged(
    kind: string,
    tag: string,
    limit: number,
  ): Promise<{ treeSize: number; tags: Array<readonly string[]> }> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.latestTagged(kind, tag, limit);
    }
    const treeSize = await this.treeSize();
    const rows = await this.memories
      .createQueryBuilder('m')
      .select('m.tags', 'tags')
      .innerJoin(MemoryTagEntity, 't', 't.leafIndex = m.leafIndex AND t.tag = :tag', { tag })
      .where('m.kind = :kind AND t.leafIndex < :treeSize', { kind, treeSize })
      .orderBy('t.leafIndex', 'DESC')
      .limit(limit)
      .getRawMany<{ tags: string }>();
    return { treeSize, tags: rows.map((r) => JSON.parse(r.tags) as string[]) };
  }

  /**
   * Recalls' reinforcements in one transaction. Each applies only if nobody reinforced (or
   * forgot) its memory since it was read (optimistic, across replicas); true for each applied.
   */
  async reinforce(batch: readonly Reinforcement[]): Promise<boolean[]> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.reinforce(batch);
    }
    return reinforceOnPostgres(this.dataSource, batch);
  }

  /** Erases the content, keeps the leaf. False if already forgotten or unknown. */
  async forget(id: string, at: number): Promise<boolean> {
    const result = await this.memories
      .createQueryBuilder()
      .update()
      .set({ content: null, forgottenAt: at, fadesAt: null })
      .where('id = :id AND forgotten_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Unpinned, unforgotten memories of non-retained kinds that expired or faded by `now`. */
  forgetCandidates(now: number, retainedKinds: string[], limit: number): Promise<MemoryEntity[]> {
    const qb = this.memories
      .createQueryBuilder('m')
      .where('m.forgottenAt IS NULL AND m.pinned = :pinned', { pinned: false })
      .andWhere(
        new Brackets((w) => {
          w.where('m.expiresAt <= :now', { now }).orWhere('m.fadesAt <= :now', { now });
        }),
      );
    if (retainedKinds.length > 0) {
      qb.andWhere('m.kind NOT IN (:...retained)', { retained: retainedKinds });
    }
    return qb.orderBy('m.leafIndex', 'ASC').take(limit).getMany();
  }

  /** The tree size alone, as one cheap read (logState() hydrates an entity). */
  async treeSize(): Promise<number> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.logState().treeSize;
    }
    const row = await this.state
      .createQueryBuilder('s')
      .select('s.treeSize', 'treeSize')
      .where('s.id = 1')
      .getRawOne<{ treeSize: number | string }>();
    return Number(row?.treeSize ?? 0);
  }

  async logState(): Promise<{ treeSize: number; rootHash: string }> {
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.logState();
    }
    const row = await this.state.findOneByOrFail({ id: 1 });
    return { treeSize: row.treeSize, rootHash: row.rootHash };
  }

  /** Fetches the given nodes in one query. */
  async nodesById(ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (ids.length === 0) {
      return out;
    }
    const sqlite = this.sqlite();
    if (sqlite) {
      return sqlite.nodes(ids);
    }
    const qb = this.nodes.createQueryBuilder('n');
    ids.forEach((id, i) => {
      qb.orWhere(`(n.level = :l${i} AND n.idx = :i${i})`, {
        [`l${i}`]: id.level,
        [`i${i}`]: id.index,
      });
    });
    for (const node of await qb.getMany()) {
      out.set(nodeKey(node), Buffer.from(node.hash, 'hex'));
    }
    return out;
  }

  leafHashes(start: number, end: number): Promise<MerkleNodeEntity[]> {
    return this.nodes
      .createQueryBuilder('n')
      .where('n.level = 0 AND n.idx >= :start AND n.idx < :end', { start, end })
      .orderBy('n.idx', 'ASC')
      .getMany();
  }

  async saveHead(head: TreeHeadEntity): Promise<void> {
    await this.heads.createQueryBuilder().insert().values(head).orIgnore().execute();
  }

  findHead(treeSize: number): Promise<TreeHeadEntity | null> {
    return this.heads.findOneBy({ treeSize });
  }

  latestHead(): Promise<TreeHeadEntity | null> {
    return this.heads.createQueryBuilder('h').orderBy('h.treeSize', 'DESC').limit(1).getOne();
  }

  /** Keeps the newest `keep` heads; returns how many were removed. */
  async pruneHeads(keep: number): Promise<number> {
    const cutoff = await this.heads
      .createQueryBuilder('h')
      .orderBy('h.treeSize', 'DESC')
      .offset(keep)
      .limit(1)
      .getOne();
    if (!cutoff) {
      return 0;
    }
    const result = await this.heads
      .createQueryBuilder()
      .delete()
      .where('tree_size <= :size', { size: cutoff.treeSize })
      .execute();
    return result.affected ?? 0;
  }

  /** The SQLite statements, prepared on first use (and again if the handle changed); null on PostgreSQL. */
  private sqlite(): SqliteMemoryStatements | null {
    if (this.dataSource.options.type !== 'better-sqlite3') {
      return null;
    }
    const db = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database })
      .databaseConnection;
    if (this.statements?.db !== db) {
      this.statements = new SqliteMemoryStatements(
        db,
        this.dataSource.getMetadata(MemoryEntity).columns,
      );
    }
    return this.statements;
  }
}
