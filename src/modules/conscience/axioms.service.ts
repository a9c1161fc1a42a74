import { Inject, Injectable, Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { LoadedAxioms } from './axioms/axiom-set';
import { builtinAxioms } from './axioms/builtin-axioms';
import { FileWatcher } from './axioms/file-watcher';
import { parseAxiomsText } from './axioms/parse-axioms';
import { AxiomsInvalidError } from './conscience.errors';

/** A file change is acted on once the file has been quiet this long (editors write in steps). */
const RELOAD_DEBOUNCE_MS = 200;
const REASON_ERRORS = 5;

export type ReloadTrigger = 'admin' | 'file-change';

export interface ReloadOutcome {
  at: string;
  trigger: ReloadTrigger;
  ok: boolean;
  /** A valid file that says something other than the set in service. */
  changed: boolean;
  errors?: Record<string, string[]>;
}

type ReadResult =
  | { ok: true; loaded: LoadedAxioms }
  | { ok: false; reason: string; errors: Record<string, string[]> };

/**
 * Holds the axioms in service and replaces them as a whole: an evaluation takes `current()`
 * once and finishes on that set, whatever a reload does meanwhile. An invalid file never
 * replaces a valid set; at start-up it leaves the built-in fallback in service (degraded).
 */
@Injectable()
export class AxiomsService {
  private readonly logger = new Logger(AxiomsService.name);
  private readonly path: string;
  /** The path as the API shows it: relative to the working directory, or else the file's name. */
  private readonly shownPath: string;
  private loaded: LoadedAxioms = builtinAxioms();
  private fallbackReason: string | null = 'the axioms have not been loaded yet';
  private lastReload: ReloadOutcome | null = null;
  private watcher: FileWatcher | null = null;
  private reloads: Promise<unknown> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.path = resolve(config.conscience.axiomsPath);
    const relativePath = relative(process.cwd(), this.path);
    this.shownPath =
      relativePath.startsWith('..') || isAbsolute(relativePath)
        ? basename(this.path)
        : relativePath;
  }

  /**
   * Start: the file, or else the built-in fallback with the reason (logged as a warning). When
   * the component restarts with a file's set still in service, an invalid file keeps that set.
   * Runs in turn with reloads, so a reload triggered meanwhile reads the file after it.
   */
  load(): Promise<void> {
    return this.inTurn(() => this.loadNow());
  }

  current(): LoadedAxioms {
    return this.loaded;
  }

  /** Why the built-in fallback is in service, or null when a file's axioms are. */
  degradedReason(): string | null {
    return this.loaded.source === 'builtin-fallback' ? this.fallbackReason : null;
  }

  lastReloadOutcome(): ReloadOutcome | null {
    return this.lastReload;
  }

  /**
   * Reads the file again. A valid file replaces the set; an invalid one keeps the set in
   * service and throws AxiomsInvalidError (422) with the schema errors. Reloads run one at a time.
   */
  reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    return this.inTurn(() => this.reloadNow(trigger));
  }

  /** Reloads on file changes until unwatch(); polling every `intervalMs`. */
  watch(intervalMs: number): void {
    this.watcher ??= new FileWatcher(this.path, intervalMs, RELOAD_DEBOUNCE_MS, () => {
      this.reload('file-change').catch(() => undefined); // logged by reloadNow
    });
    this.watcher.start();
  }

  /** Stops watching and waits for a reload in progress, so nothing outlives the component. */
  async unwatch(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    await this.reloads;
  }

  /** Runs `work` after every load and reload queued before it. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.reloads.then(work);
    this.reloads = next.catch(() => undefined);
    return next;
  }

  private async loadNow(): Promise<void> {
    const read = await this.read();
    if (read.ok) {
      this.use(read.loaded);
      return;
    }
    if (this.loaded.source === 'file') {
      this.logger.warn(
        { path: this.path, errors: read.errors },
        `${read.reason}; keeping axioms version ${this.loaded.set.version}`,
      );
      return;
    }
    this.loaded = builtinAxioms();
    this.fallbackReason = read.reason;
    this.logger.warn(
      { path: this.path, errors: read.errors },
      `${read.reason}; running on the built-in fallback axioms (every decision is degraded)`,
    );
  }

  private async reloadNow(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const read = await this.read();
    const at = new Date().toISOString();
    if (!read.ok) {
      this.lastReload = { at, trigger, ok: false, changed: false, errors: read.errors };
      if (this.loaded.source === 'builtin-fallback') {
        this.fallbackReason = read.reason;
      }
      this.logger.warn(
        { path: this.path, trigger, errors: read.errors },
        `axioms reload rejected (${read.reason}); keeping version ${this.loaded.set.version}`,
      );
      throw new AxiomsInvalidError(this.shownPath, read.errors);
    }
    const changed =
      read.loaded.digest !== this.loaded.digest || this.loaded.source !== read.loaded.source;
    this.lastReload = { at, trigger, ok: true, changed };
    if (changed) {
      this.use(read.loaded);
    }
    return this.lastReload;
  }

  private use(loaded: LoadedAxioms): void {
    const previous = this.loaded;
    this.loaded = loaded;
    this.fallbackReason = null;
    this.logger.log(
      {
        path: this.path,
        version: loaded.set.version,
        digest: loaded.digest,
        axioms: loaded.set.axioms.length,
        previous: previous.set.version,
      },
      `axioms version ${loaded.set.version} in service (${loaded.set.axioms.length} axioms)`,
    );
  }

  private async read(): Promise<ReadResult> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? `axioms file ${this.shownPath} not found`
          : `axioms file ${this.shownPath} cannot be read (${code ?? (error as Error).name})`;
      return { ok: false, reason, errors: { file: [reason] } };
    }
    const parsed = parseAxiomsText(text);
    if (!parsed.ok) {
      const summary = Object.entries(parsed.errors)
        .slice(0, REASON_ERRORS)
        .map(([field, messages]) => `${field} ${messages.join(', ')}`)
        .join('; ');
      return {
        ok: false,
        reason: `axioms file ${this.shownPath} is invalid: ${summary}`,
        errors: parsed.errors,
      };
    }
    return {
      ok: true,
      loaded: {
        set: parsed.set,
        digest: parsed.digest,
        source: 'file',
        path: this.shownPath,
        loadedAt: new Date().toISOString(),
      },
    };
  }
}
