import { Inject, Injectable } from '@nestjs/common';
import { ComponentUnavailableError, InvalidInputError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { StoreMemoryDto } from '../memory/dto/store-memory.dto';
import { MemoryService } from '../memory/memory.service';
import type { ObservationDto, ObservationReceiptDto } from './dto/observation.dto';
import {
  CoherenceDto,
  ConflictPageDto,
  EntityFactsDto,
  EntityPageDto,
  SkippedPageDto,
} from './dto/world-pages.dto';
import {
  DEFAULT_LIMIT,
  EntityQuery,
  HistoryQuery,
  ListEntitiesQuery,
  PageQuery,
} from './dto/world-queries';
import { OBSERVATION_KIND } from './projection/plan';
import { coherence } from './rules/coherence';
import { MAX_NAME_CHARS, parseDateTime, parseObservation } from './rules/observation';
import { decodeCursor, encodeCursor, KeyShape, prefixUpperBound } from './rules/page-cursor';
import { WorldModelComponent } from './world-model.component';
import {
  EntityNotFoundError,
  InvalidObservationError,
  InvalidWorldCursorError,
} from './world-model.errors';
import { toFactDto } from './world-model.mapper';
import { ConflictKey, FactKey, WorldModelRepository } from './world-model.repository';

const FACT_KEY: KeyShape = ['string', 'integer', 'integer', 'integer'];

/** World model use cases: record observations, and answer what the projection believes. */
@Injectable()
export class WorldModelService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: WorldModelRepository,
    private readonly component: WorldModelComponent,
    private readonly memories: MemoryService,
  ) {}

  /** Checks an observation and stores it as a memory of kind observation; nothing on error. */
  async observe(body: ObservationDto): Promise<ObservationReceiptDto> {
    const content = {
      facts: body.facts,
      ...(body.source === undefined ? {} : { source: body.source }),
    };
    const parsed = parseObservation(content, { maxFacts: this.config.world.maxFacts });
    if (!parsed.ok) {
      throw new InvalidObservationError(parsed.errors);
    }
    const input: StoreMemoryDto = { content, kind: OBSERVATION_KIND };
    const stored = await this.memories.store(input);
    return {
      memoryId: stored.id,
      leafIndex: stored.leafIndex,
      leafHash: stored.leafHash,
      recordedAt: stored.createdAt,
      facts: parsed.facts.length,
      treeSize: stored.treeSize,
      rootHash: stored.rootHash,
    };
  }

  async entities(query: ListEntitiesQuery): Promise<EntityPageDto> {
    const generation = await this.generation();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor
      ? (this.cursor('entities', ['string'], query.cursor)[0] as string)
      : undefined;
    const range = query.prefix ? { from: query.prefix, below: prefixUpperBound(query.prefix) } : {};
    const items = await this.repository.entities(generation, range, after, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: last && items.length === limit ? encodeCursor('entities', [last.subject]) : null,
    };
  }

  async entity(subject: string, query: EntityQuery): Promise<EntityFactsDto> {
    checkSubject(subject);
    const generation = await this.generation();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const at = query.at === undefined ? undefined : (parseDateTime(query.at) as number);
    const listing = at === undefined ? 'current' : `at:${at}`;
    const after = query.cursor
      ? (this.cursor(listing, FACT_KEY, query.cursor) as FactKey)
      : undefined;
    const rows = await this.repository.factsOf(generation, subject, at, after, limit);
    if (rows.length === 0 && !after && !(await this.repository.hasSubject(generation, subject))) {
      throw new EntityNotFoundError(subject);
    }
    return {
      subject,
      at: at === undefined ? null : new Date(at).toISOString(),
      items: rows.map(toFactDto),
      nextCursor: this.nextFactCursor(listing, rows, limit),
    };
  }

  async history(subject: string, query: HistoryQuery): Promise<EntityFactsDto> {
    checkSubject(subject);
    const generation = await this.generation();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor
      ? (this.cursor('history', FACT_KEY, query.cursor) as FactKey)
      : undefined;
    const rows = await this.repository.history(generation, subject, query.predicate, after, limit);
    if (rows.length === 0 && !after && !(await this.repository.hasSubject(generation, subject))) {
      throw new EntityNotFoundError(subject);
    }
    return {
      subject,
      at: null,
      items: rows.map(toFactDto),
      nextCursor: this.nextFactCursor('history', rows, limit),
    };
  }

  async conflicts(query: PageQuery): Promise<ConflictPageDto> {
    const generation = await this.generation();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor
      ? (this.cursor('conflicts', ['string', 'string', 'integer'], query.cursor) as ConflictKey)
      : undefined;
    const conflicts = await this.repository.openConflicts(generation, after, limit);
    const members = await this.repository.conflictMembers(generation, conflicts);
    const last = conflicts.at(-1);
    return {
      items: conflicts.map((c) => ({
        id: c.conflictId,
        subject: c.subject,
        predicate: c.predicate,
        validFrom: new Date(c.validFrom).toISOString(),
        facts: members.filter((m) => m.conflictId === c.conflictId).map(toFactDto),
      })),
      nextCursor:
        last && conflicts.length === limit
          ? encodeCursor('conflicts', [last.subject, last.predicate, last.validFrom])
          : null,
    };
  }

  async coherence(): Promise<CoherenceDto> {
    const active = await this.repository.activeGeneration();
    if (!active) {
      throw new ComponentUnavailableError('world-model', 'it has no active projection');
    }
    const skipped = await this.repository.skippedCount(active.generation);
    const treeSize = await this.component.treeSize();
    const applied = active.appliedThrough + 1;
    return {
      coherence: coherence(active.currentFacts, active.conflictingFacts),
      facts: active.currentFacts,
      conflicts: active.openConflicts,
      conflictingFacts: active.conflictingFacts,
      cursor: active.appliedThrough < 0 ? null : active.appliedThrough,
      treeSize: Math.max(treeSize, applied),
      lag: Math.max(0, treeSize - applied),
      pendingWithdrawals: this.component.pendingWithdrawals(),
      skipped,
      generation: active.generation,
      projection: this.component.projectionState(),
    };
  }

  async skipped(query: PageQuery): Promise<SkippedPageDto> {
    const generation = await this.generation();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor
      ? (this.cursor('skipped', ['integer'], query.cursor)[0] as number)
      : undefined;
    const rows = await this.repository.skippedPage(generation, after, limit);
    const last = rows.at(-1);
    return {
      items: rows.map((r) => ({ leafIndex: r.leafIndex, memoryId: r.memoryId, reason: r.reason })),
      nextCursor: last && rows.length === limit ? encodeCursor('skipped', [last.leafIndex]) : null,
    };
  }

  private async generation(): Promise<number> {
    const active = await this.repository.activeGeneration();
    if (!active) {
      throw new ComponentUnavailableError('world-model', 'it has no active projection');
    }
    return active.generation;
  }

  private cursor(listing: string, shape: KeyShape, cursor: string): Array<string | number> {
    const key = decodeCursor(listing, shape, cursor);
    if (!key) {
      throw new InvalidWorldCursorError();
    }
    return key;
  }

  private nextFactCursor(
    listing: string,
    rows: Array<{ predicate: string; validFrom: number; sourceLeaf: number; factIndex: number }>,
    limit: number,
  ): string | null {
    const last = rows.at(-1);
    return last && rows.length === limit
      ? encodeCursor(listing, [last.predicate, last.validFrom, last.sourceLeaf, last.factIndex])
      : null;
  }
}

function checkSubject(subject: string): void {
  if (subject.trim() === '' || [...subject].length > MAX_NAME_CHARS) {
    throw new InvalidInputError('Invalid subject', {
      subject: [`subject must be a non-empty string of at most ${MAX_NAME_CHARS} characters`],
    });
  }
}
