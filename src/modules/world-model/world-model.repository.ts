import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { WorldFactEntity, WorldProjectionEntity, WorldSkippedEntity } from './entities';
import { OPEN_END } from './projection/rows';

/** Where a page of facts continues: after this (predicate, validFrom, leaf, position). */
export type FactKey = [predicate: string, validFrom: number, sourceLeaf: number, factIndex: number];
/** Where a page of conflicts continues: after this (subject, predicate, validFrom). */
export type ConflictKey = [subject: string, predicate: string, validFrom: number];

export interface EntityRow {
  subject: string;
  currentFacts: number;
  facts: number;
}

export interface ConflictRow {
  conflictId: string;
  subject: string;
  predicate: string;
  validFrom: number;
}

/**
 * Read side of the world model (the projection writes through projection/*-world-store.ts).
 * Every query names the generation it reads: the active one, looked up by the service.
 */
@Injectable()
export class WorldModelRepository {
  private readonly facts: Repository<WorldFactEntity>;
  private readonly projections: Repository<WorldProjectionEntity>;
  private readonly skipped: Repository<WorldSkippedEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.facts = dataSource.getRepository(WorldFactEntity);
    this.projections = dataSource.getRepository(WorldProjectionEntity);
    this.skipped = dataSource.getRepository(WorldSkippedEntity);
  }

  activeGeneration(): Promise<WorldProjectionEntity | null> {
    return this.projections.findOneBy({ state: 'active' });
  }

  /** Subjects in code-point order, from `range` (prefix bounds) and after `after`. */
  async entities(
    generation: number,
    range: { from?: string; below?: string },
    after: string | undefined,
    limit: number,
  ): Promise<EntityRow[]> {
    const qb = this.facts
      .createQueryBuilder('f')
      .select('f.subject', 'subject')
      .addSelect("SUM(CASE WHEN f.status = 'current' THEN 1 ELSE 0 END)", 'current_facts')
      .addSelect('COUNT(*)', 'facts')
      .where('f.generation = :generation', { generation });
    if (range.from !== undefined) {
      qb.andWhere('f.subject >= :from', { from: range.from });
    }
    if (range.below !== undefined) {
      qb.andWhere('f.subject < :below', { below: range.below });
    }
    if (after !== undefined) {
      qb.andWhere('f.subject > :after', { after });
    }
    const rows = await qb
      .groupBy('f.subject')
      .orderBy('f.subject', 'ASC')
      .limit(limit)
      .getRawMany<{ subject: string; current_facts: string | number; facts: string | number }>();
    return rows.map((r) => ({
      subject: r.subject,
      currentFacts: Number(r.current_facts),
      facts: Number(r.facts),
    }));
  }

  async hasSubject(generation: number, subject: string): Promise<boolean> {
    const row = await this.facts
      .createQueryBuilder('f')
      .select('f.id', 'id')
      .where('f.generation = :generation AND f.subject = :subject', { generation, subject })
      .limit(1)
      .getRawOne<{ id: string }>();
    return row !== undefined;
  }

  /** Current facts of a subject, or those that held at `at` (half-open intervals). */
  factsOf(
    generation: number,
    subject: string,
    at: number | undefined,
    after: FactKey | undefined,
    limit: number,
  ): Promise<WorldFactEntity[]> {
    const qb = this.subjectFacts(generation, subject);
    // Conditions on valid_to are read from the index; current facts are those ending at
    // OPEN_END, and claims that never held have an empty interval (see projection/rows.ts).
    if (at === undefined) {
      qb.andWhere('f.validTo = :open', { open: OPEN_END });
    } else {
      qb.andWhere('f.validTo > :at AND f.validFrom <= :at', { at });
    }
    return this.page(qb, after, limit);
  }

  history(
    generation: number,
    subject: string,
    predicate: string | undefined,
    after: FactKey | undefined,
    limit: number,
  ): Promise<WorldFactEntity[]> {
    const qb = this.subjectFacts(generation, subject);
    if (predicate !== undefined) {
      qb.andWhere('f.predicate = :predicate', { predicate });
    }
    return this.page(qb, after, limit);
  }

  /** Open contradictions: those with at least one current fact. */
  async openConflicts(
    generation: number,
    after: ConflictKey | undefined,
    limit: number,
  ): Promise<ConflictRow[]> {
    const qb = this.facts
      .createQueryBuilder('f')
      .select('f.conflictId', 'conflict_id')
      .addSelect('f.subject', 'subject')
      .addSelect('f.predicate', 'predicate')
      .addSelect('f.validFrom', 'valid_from')
      .where("f.generation = :generation AND f.status = 'current' AND f.conflictId IS NOT NULL", {
        generation,
      });
    if (after) {
      qb.andWhere('(f.subject, f.predicate, f.validFrom) > (:s, :p, :v)', {
        s: after[0],
        p: after[1],
        v: after[2],
      });
    }
    const rows = await qb
      .groupBy('f.conflictId')
      .addGroupBy('f.subject')
      .addGroupBy('f.predicate')
      .addGroupBy('f.validFrom')
      .orderBy('f.subject', 'ASC')
      .addOrderBy('f.predicate', 'ASC')
      .addOrderBy('f.validFrom', 'ASC')
      .limit(limit)
      .getRawMany<{
        conflict_id: string;
        subject: string;
        predicate: string;
        valid_from: string;
      }>();
    return rows.map((r) => ({
      conflictId: r.conflict_id,
      subject: r.subject,
      predicate: r.predicate,
      validFrom: Number(r.valid_from),
    }));
  }

  /** Every claim of the given contradictions, in log order. */
  conflictMembers(generation: number, conflicts: ConflictRow[]): Promise<WorldFactEntity[]> {
    if (conflicts.length === 0) {
      return Promise.resolve([]);
    }
    return this.facts
      .createQueryBuilder('f')
      .where('f.generation = :generation', { generation })
      .andWhere('f.subject IN (:...subjects)', {
        subjects: [...new Set(conflicts.map((c) => c.subject))],
      })
      .andWhere('f.conflictId IS NOT NULL AND f.conflictId IN (:...ids)', {
        ids: conflicts.map((c) => c.conflictId),
      })
      .orderBy('f.sourceLeaf', 'ASC')
      .addOrderBy('f.factIndex', 'ASC')
      .getMany();
  }

  skippedCount(generation: number): Promise<number> {
    return this.skipped.countBy({ generation });
  }

  skippedPage(
    generation: number,
    after: number | undefined,
    limit: number,
  ): Promise<WorldSkippedEntity[]> {
    const qb = this.skipped
      .createQueryBuilder('s')
      .where('s.generation = :generation', { generation });
    if (after !== undefined) {
      qb.andWhere('s.leafIndex > :after', { after });
    }
    return qb.orderBy('s.leafIndex', 'ASC').limit(limit).getMany();
  }

  private subjectFacts(generation: number, subject: string): SelectQueryBuilder<WorldFactEntity> {
    return this.facts
      .createQueryBuilder('f')
      .where('f.generation = :generation AND f.subject = :subject', { generation, subject });
  }

  private page(
    qb: SelectQueryBuilder<WorldFactEntity>,
    after: FactKey | undefined,
    limit: number,
  ): Promise<WorldFactEntity[]> {
    if (after) {
      qb.andWhere('(f.predicate, f.validFrom, f.sourceLeaf, f.factIndex) > (:kp, :kv, :kl, :ki)', {
        kp: after[0],
        kv: after[1],
        kl: after[2],
        ki: after[3],
      });
    }
    return qb
      .orderBy('f.predicate', 'ASC')
      .addOrderBy('f.validFrom', 'ASC')
      .addOrderBy('f.sourceLeaf', 'ASC')
      .addOrderBy('f.factIndex', 'ASC')
      .limit(limit)
      .getMany();
  }
}
