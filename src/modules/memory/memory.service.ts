import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { v7 as uuidv7 } from 'uuid';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { MemoryPageDto, MemoryDto, StoredMemoryDto } from './dto/memory.dto';
import type { ListMemoriesQuery } from './dto/list-memories.query';
import type { StoreMemoryDto } from './dto/store-memory.dto';
import { failsAnyWrite } from './database-errors';
import type { MemoryEntity } from './entities';
import { GroupCommit } from './group-commit';
import { CanonicalJsonError, CONTENT_TYPE, contentSha256 } from './leaf';
import type { PendingMemory } from './log/append-plan';
import { MemoryComponent } from './memory.component';
import {
  InvalidCursorError,
  InvalidMemoryInputError,
  MemoryExpiredError,
  MemoryForgottenError,
  MemoryNotFoundError,
  MemoryTooLargeError,
  RecallContentionError,
} from './memory.errors';
import { MEMORY_FORGOTTEN, MemoryForgottenEvent } from './memory.events';
import { toMemoryDto } from './memory.mapper';
import { type LeafTagFilter, MemoryRepository, type Reinforcement } from './memory.repository';
import { currentStrength, fadesAt, initialStrength, reinforce } from './plasticity';

const DEFAULT_LIMIT = 50;
/** Kinds only the service itself writes (the conscience's decision log). */
export const RESERVED_KINDS: readonly string[] = ['decision'];
const REINFORCE_ATTEMPTS = 20;
const MAX_REINFORCE_BATCH = 128;

/** A leaf as projections read it. */
export interface LeafRecord {
  leafIndex: number;
  id: string;
  kind: string;
  tags: string[];
  createdAt: string;
  /** The content, or null once forgotten. */
  content: unknown;
  forgottenAt: string | null;
}

/** A leaf's index fields, as leafTags() returns them. */
export type LeafTags = Pick<LeafRecord, 'id' | 'leafIndex' | 'createdAt' | 'tags'>;

type Cursor = { s: 'newest'; b: number } | { s: 'strongest'; n: number; v: number; l: number };

/** Store, recall, list and forget memories (PlasticLTM use cases). */
@Injectable()
export class MemoryService {
  private readonly recalls = new Map<string, Promise<unknown>>();
  /** Recalls of one event-loop turn persist their reinforcements in one transaction. */
  private readonly reinforcements: GroupCommit<Reinforcement, boolean>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: MemoryRepository,
    private readonly component: MemoryComponent,
    private readonly events: EventEmitter2,
  ) {
    this.reinforcements = new GroupCommit((batch) => this.repository.reinforce(batch), {
      maxBatch: MAX_REINFORCE_BATCH,
      failsAnyWrite,
    });
  }

  /**
   * Appends a memory. Reserved kinds (the conscience's `decision`) are refused unless the
   * caller is the module that owns them, so no API client can forge entries of its audit trail.
   */
  async store(
    input: StoreMemoryDto,
    options: { reservedKind?: boolean } = {},
  ): Promise<StoredMemoryDto> {
    if (!options.reservedKind && input.kind !== undefined && RESERVED_KINDS.includes(input.kind)) {
      throw new InvalidMemoryInputError(
        'kind',
        `kind '${input.kind}' is reserved for the service's own records`,
      );
    }
    const pending = this.prepare(input);
    const { appended, treeSize, rootHash } = await this.component.appendQueue().append(pending);
    return {
      id: appended.id,
      kind: appended.kind,
      tags: appended.tags,
      contentType: appended.contentType,
      contentSha256: appended.contentSha256,
      sizeBytes: appended.sizeBytes,
      importance: appended.importance,
      strength: appended.strength,
      pinned: appended.pinned,
      createdAt: new Date(appended.createdAt).toISOString(),
      expiresAt: appended.expiresAt === null ? null : new Date(appended.expiresAt).toISOString(),
      reinforcedAt: new Date(appended.createdAt).toISOString(),
      recallCount: 0,
      leafIndex: appended.leafIndex,
      leafHash: appended.leafHash,
      treeSize,
      rootHash,
    };
  }

  /**
   * Recall: the memory with its content; strengthens it (s + α(1 − s)), persisted before the
   * answer (batched with the other recalls of the same event-loop turn).
   */
  recall(id: string): Promise<MemoryDto> {
    // Recalls of one memory run one after another in this process, so none is lost to a race;
    // the optimistic update below covers other processes (PostgreSQL replicas).
    const previous = this.recalls.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.reinforceAndRead(id));
    const settled = next.catch(() => undefined);
    this.recalls.set(id, settled);
    void settled.then(() => {
      if (this.recalls.get(id) === settled) {
        this.recalls.delete(id);
      }
    });
    return next;
  }

  private async reinforceAndRead(id: string): Promise<MemoryDto> {
    for (let attempt = 0; attempt < REINFORCE_ATTEMPTS; attempt += 1) {
      const memory = await this.readable(id);
      const now = Date.now();
      const strength = reinforce(this.strengthOf(memory, now), this.config.memory.reinforceAlpha);
      const next = {
        strength,
        reinforcedAt: now,
        fadesAt: this.fadeTime(strength, now, memory.pinned),
      };
      const applied = await this.reinforcements.submit({
        id,
        readStrength: memory.strength,
        readReinforcedAt: memory.reinforcedAt,
        ...next,
      });
      if (applied) {
        const updated = { ...memory, ...next, recallCount: memory.recallCount + 1 };
        return toMemoryDto(updated, strength, true) as MemoryDto;
      }
      // Another replica's recall (or a forget) got there first: read again and retry.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new RecallContentionError(id);
  }

  /** A page of memories; `allTags` (for other modules) narrows it to memories carrying every one. */
  async list(query: ListMemoriesQuery, allTags: readonly string[] = []): Promise<MemoryPageDto> {
    const sort = query.sort ?? 'newest';
    const limit = query.limit ?? DEFAULT_LIMIT;
    const cursor = query.cursor ? this.decodeCursor(query.cursor, sort) : undefined;
    const now = cursor?.s === 'strongest' ? cursor.n : Date.now();
    const rows = await this.repository.list({
      kind: query.kind,
      tag: query.tag,
      allTags,
      since: query.since ? Date.parse(query.since) : undefined,
      until: query.until ? Date.parse(query.until) : undefined,
      q: query.q,
      sort,
      limit,
      beforeLeafIndex: cursor?.s === 'newest' ? cursor.b : undefined,
      strongest:
        sort === 'strongest'
          ? {
              now,
              halfLifeMs: this.config.memory.halfLifeMs,
              after:
                cursor?.s === 'strongest' ? { strength: cursor.v, leafIndex: cursor.l } : undefined,
            }
          : undefined,
    });
    const items = rows.map(({ memory, current }) =>
      toMemoryDto(memory, current ?? this.strengthOf(memory, now), query.includeContent === true),
    );
    const last = rows.at(-1);
    let nextCursor: string | null = null;
    if (last && rows.length === limit) {
      const next: Cursor =
        sort === 'newest'
          ? { s: 'newest', b: last.memory.leafIndex }
          : { s: 'strongest', n: now, v: last.current ?? 0, l: last.memory.leafIndex };
      nextCursor = Buffer.from(JSON.stringify(next)).toString('base64url');
    }
    return { items, nextCursor };
  }

  /** Erases the content and keeps the leaf; idempotent. */
  async forget(id: string): Promise<void> {
    const memory = await this.repository.findById(id);
    if (!memory) {
      throw new MemoryNotFoundError(id);
    }
    if (await this.repository.forget(id, Date.now())) {
      this.published({ id, kind: memory.kind, leafIndex: memory.leafIndex, reason: 'user' });
    }
  }

  /**
   * Leaves [start, end) in order, with their content (null once forgotten): for projections
   * such as the world model, which replay the log from a cursor. Does not reinforce. The
   * content is parsed when first read: a projection reads that of the kinds it projects only,
   * and a stored megabyte would otherwise be parsed again for nothing.
   */
  async readLeaves(start: number, end: number): Promise<LeafRecord[]> {
    const rows = await this.repository.findByLeafRange(start, end);
    return rows.map((m) => {
      let content: unknown;
      let parsed = false;
      return {
        leafIndex: m.leafIndex,
        id: m.id,
        kind: m.kind,
        tags: JSON.parse(m.tags) as string[],
        createdAt: new Date(m.createdAt).toISOString(),
        get content(): unknown {
          if (!parsed) {
            content = m.content === null ? null : (JSON.parse(m.content) as unknown);
            parsed = true;
          }
          return content;
        },
        forgottenAt: m.forgottenAt === null ? null : new Date(m.forgottenAt).toISOString(),
      };
    });
  }

  /**
   * Leaf fields (no content) of the newest memories of a kind, forgotten ones included, without
   * reinforcing them: for indexes other components keep in tags, which the leaf hash covers
   * (the conscience's precedent and alignment statistics).
   */
  async leafTags(query: LeafTagFilter): Promise<LeafTags[]> {
    const rows = await this.repository.leafTags(query);
    return rows.map((m) => ({
      id: m.id,
      leafIndex: m.leafIndex,
      createdAt: new Date(m.createdAt).toISOString(),
      tags: JSON.parse(m.tags) as string[],
    }));
  }

  /**
   * The tree size, and the tags of the newest `limit` memories of a kind with a tag below it
   * (newest first, forgotten ones included): a read that is the same for the same log.
   */
  async latestTagged(
    kind: string,
    tag: string,
    limit: number,
  ): Promise<{ treeSize: number; tags: Array<readonly string[]> }> {
    return this.repository.latestTagged(kind, tag, limit);
  }

  /** The number of leaves in the log. */
  async treeSize(): Promise<number> {
    return this.repository.treeSize();
  }

  /** A memory without recalling it (no reinforcement), or null; forgotten ones included. */
  async peek(id: string): Promise<LeafRecord | null> {
    const m = await this.repository.findById(id);
    if (!m) {
      return null;
    }
    const [leaf] = await this.readLeaves(m.leafIndex, m.leafIndex + 1);
    return leaf ?? null;
  }

  /** Current strength of a stored memory at `now`. */
  strengthOf(memory: MemoryEntity, now: number): number {
    return currentStrength(
      { strength: memory.strength, reinforcedAt: memory.reinforcedAt, pinned: memory.pinned },
      now,
      this.config.memory.halfLifeMs,
    );
  }

  published(event: MemoryForgottenEvent): void {
    this.events.emit(MEMORY_FORGOTTEN, event);
  }

  private async readable(id: string): Promise<MemoryEntity> {
    const memory = await this.repository.findById(id);
    if (!memory) {
      throw new MemoryNotFoundError(id);
    }
    if (memory.forgottenAt !== null) {
      throw new MemoryForgottenError(id, memory.forgottenAt);
    }
    if (memory.expiresAt !== null && memory.expiresAt <= Date.now()) {
      throw new MemoryExpiredError(id, memory.expiresAt);
    }
    return memory;
  }

  private prepare(input: StoreMemoryDto): PendingMemory {
    if (input.content === undefined) {
      throw new InvalidMemoryInputError('content', 'content is required (any JSON value)');
    }
    let digest;
    try {
      digest = contentSha256(input.content);
    } catch (error) {
      if (error instanceof CanonicalJsonError) {
        throw new InvalidMemoryInputError('content', error.message);
      }
      throw error;
    }
    if (digest.sizeBytes > this.config.memory.maxBytes) {
      throw new MemoryTooLargeError(digest.sizeBytes, this.config.memory.maxBytes);
    }
    const now = Date.now();
    const pinned = input.pinned ?? false;
    const strength = initialStrength(input.importance ?? 0.5);
    return {
      id: uuidv7(),
      kind: input.kind ?? 'note',
      contentType: CONTENT_TYPE,
      canonical: digest.canonical,
      contentSha256: digest.sha256,
      sizeBytes: digest.sizeBytes,
      tags: [...new Set(input.tags ?? [])].sort(),
      importance: input.importance ?? 0.5,
      strength,
      pinned,
      createdAt: now,
      expiresAt: input.ttlSeconds ? now + input.ttlSeconds * 1000 : null,
      fadesAt: this.fadeTime(strength, now, pinned),
    };
  }

  private fadeTime(strength: number, at: number, pinned: boolean): number | null {
    const when = fadesAt(
      { strength, reinforcedAt: at, pinned },
      this.config.memory.halfLifeMs,
      this.config.memory.forgetBelow,
    );
    return when ? when.getTime() : null;
  }

  private decodeCursor(text: string, sort: 'newest' | 'strongest'): Cursor {
    try {
      const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
      if (cursor.s === 'newest' && sort === 'newest' && Number.isSafeInteger(cursor.b)) {
        return cursor;
      }
      if (
        cursor.s === 'strongest' &&
        sort === 'strongest' &&
        Number.isFinite(cursor.n) &&
        Number.isFinite(cursor.v) &&
        Number.isSafeInteger(cursor.l)
      ) {
        return cursor;
      }
    } catch {
      // fall through
    }
    throw new InvalidCursorError();
  }
}
