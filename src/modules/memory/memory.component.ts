import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ComponentUnavailableError } from '../../common/errors/domain-error';
import { ComponentRegistry, SupervisedComponent } from '../../kernel';
import { AppendQueue } from './log/append-queue';
import type { AppendResult, LogWriter } from './log/log-writer';
import { PostgresLogWriter } from './log/postgres-log-writer';
import { SqliteLogWriter } from './log/sqlite-log-writer';
import { MEMORY_APPENDED, MemoryAppendedEvent } from './memory.events';
import { loadOrCreateSigningKey, SigningKey } from './signing/signing-key';

/**
 * PlasticLTM as a supervised component: it owns the signing key and the append path. While it
 * is stopped or failed, the kernel answers its routes with 503 and nothing can append.
 */
@Injectable()
export class MemoryComponent implements SupervisedComponent, OnModuleInit {
  readonly name = 'memory' as const;
  readonly critical = true;
  private readonly logger = new Logger(MemoryComponent.name);
  private key: SigningKey | null = null;
  private queue: AppendQueue | null = null;
  private writer: LogWriter | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: ComponentRegistry,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  start(): Promise<void> {
    const key = loadOrCreateSigningKey({
      dataDir: this.config.dataDir,
      keyPath: this.config.memory.signingKeyPath,
    });
    key.warnings.forEach((warning) => this.logger.warn(warning));
    if (key.created) {
      this.logger.log(`created log signing key ${key.path} (keyId ${key.keyId})`);
    }
    this.key = key;
    this.writer =
      this.config.db.type === 'postgres'
        ? new PostgresLogWriter(this.dataSource)
        : new SqliteLogWriter(this.sqliteHandle());
    this.queue = new AppendQueue(this.writer, (result) => this.published(result));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const queue = this.queue;
    this.queue = null;
    // Appends already accepted finish; new ones are refused (503) from here on.
    await queue?.idle();
    this.writer?.reset();
    this.writer = null;
    this.key = null;
  }

  signingKey(): SigningKey {
    if (!this.key) {
      throw new ComponentUnavailableError(this.name, 'not started');
    }
    return this.key;
  }

  appendQueue(): AppendQueue {
    if (!this.queue) {
      throw new ComponentUnavailableError(this.name, 'not started');
    }
    return this.queue;
  }

  private published(result: AppendResult): void {
    const first = result.appended[0];
    const event: MemoryAppendedEvent = {
      fromIndex: first.leafIndex,
      toIndex: first.leafIndex + result.appended.length,
      treeSize: result.treeSize,
      kinds: [...new Set(result.appended.map((m) => m.kind))],
    };
    try {
      this.events.emit(MEMORY_APPENDED, event);
    } catch (error) {
      // A listener's failure is its own: the append has committed and its callers are answered.
      this.logger.error({ err: error }, 'a memory.appended listener failed');
    }
  }

  private sqliteHandle(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database })
      .databaseConnection;
  }
}
