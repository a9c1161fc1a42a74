import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { ComponentUnavailableError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import {
  ComponentBoundary,
  ComponentRegistry,
  ComponentSelfReport,
  SupervisedComponent,
} from '../../kernel';
import {
  MEMORY_APPENDED,
  MEMORY_FORGOTTEN,
  MemoryAppendedEvent,
  MemoryForgottenEvent,
} from '../memory/memory.events';
import { MemoryService } from '../memory/memory.service';
import { ForgetJournal } from './projection/forget-journal';
import { OBSERVATION_KIND } from './projection/plan';
import { PostgresWorldStore } from './projection/postgres-world-store';
import { ProjectionStats, ProjectionWorker } from './projection/projection-worker';
import { RebuildJob, RebuildStatus } from './projection/rebuild-job';
import { SqliteWorldStore } from './projection/sqlite-world-store';
import { RebuildInProgressError, RebuildNotFoundError } from './world-model.errors';

/**
 * WorldModel as a supervised component (not critical: a world model that is down never stops
 * memory writes). Running means its projection worker runs: it applies the memory log from its
 * cursor, after each commit (memory.appended nudges it) and on a catch-up timer. Stopping ends
 * the worker and its timer; events that arrive meanwhile change nothing but the forget journal.
 */
@Injectable()
export class WorldModelComponent implements SupervisedComponent, OnModuleInit {
  readonly name = 'world-model' as const;
  readonly critical = false;
  private readonly logger = new Logger(WorldModelComponent.name);
  private readonly forgets = new ForgetJournal();
  private worker: ProjectionWorker | null = null;
  private lastRebuild: RebuildJob | null = null;
  private knownTreeSize = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: ComponentRegistry,
    private readonly boundary: ComponentBoundary,
    private readonly memories: MemoryService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  start(): Promise<void> {
    const store =
      this.config.db.type === 'postgres'
        ? new PostgresWorldStore(this.dataSource)
        : new SqliteWorldStore(this.sqliteHandle());
    this.worker = new ProjectionWorker({
      store,
      readLeaves: (start, end) =>
        this.boundary.call('memory', () => this.memories.readLeaves(start, end)),
      batchLeaves: this.config.world.batchLeaves,
      intervalMs: this.config.world.catchUpIntervalMs,
      forgets: this.forgets,
      onFatal: (error) => this.registry.reportFailure(this.name, error),
      logger: this.logger,
    });
    this.worker.start();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.stop();
  }

  selfReport(): ComponentSelfReport {
    const paused = this.worker?.paused;
    return paused
      ? { state: 'degraded', reason: `projection paused: ${paused}` }
      : { state: 'running' };
  }

  /** After a memory commit: wake the projection (async, so the append never waits on it). */
  @OnEvent(MEMORY_APPENDED, { async: true })
  onAppended(event: MemoryAppendedEvent): void {
    this.knownTreeSize = Math.max(this.knownTreeSize, event.treeSize);
    this.worker?.nudge();
  }

  /** A forgotten observation: its facts are withdrawn by the next unit (or after a restart). */
  @OnEvent(MEMORY_FORGOTTEN, { async: true })
  onForgotten(event: MemoryForgottenEvent): void {
    if (event.kind === OBSERVATION_KIND) {
      this.forgets.add(event.leafIndex);
      this.worker?.nudge();
    }
  }

  requestRebuild(): RebuildStatus {
    const worker = this.requireWorker();
    if (this.lastRebuild?.running) {
      throw new RebuildInProgressError(this.lastRebuild.snapshot());
    }
    const job = new RebuildJob();
    this.lastRebuild = job;
    worker.rebuild(job);
    return job.snapshot();
  }

  /** The latest rebuild requested in this process. */
  rebuildStatus(): RebuildStatus {
    if (!this.lastRebuild) {
      throw new RebuildNotFoundError();
    }
    return this.lastRebuild.snapshot();
  }

  projectionState(): 'running' | 'paused' | 'stopped' {
    if (!this.worker) {
      return 'stopped';
    }
    return this.worker.paused ? 'paused' : 'running';
  }

  /** Forgotten observations whose facts this process has yet to withdraw. */
  pendingWithdrawals(): number {
    return this.forgets.pending;
  }

  stats(): ProjectionStats | null {
    return this.worker ? { ...this.worker.stats } : null;
  }

  /** The log's size, from the memory component, or the last size it announced. */
  async treeSize(): Promise<number> {
    try {
      const size = await this.boundary.call('memory', () => this.memories.treeSize());
      this.knownTreeSize = Math.max(this.knownTreeSize, size);
    } catch (error) {
      if (!(error instanceof ComponentUnavailableError)) {
        throw error;
      }
    }
    return this.knownTreeSize;
  }

  private requireWorker(): ProjectionWorker {
    if (!this.worker) {
      throw new ComponentUnavailableError(this.name, 'not started');
    }
    return this.worker;
  }

  private sqliteHandle(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database })
      .databaseConnection;
  }
}
