import { type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * Calls `onChange` once a file has changed and then stayed unchanged for `debounceMs`.
 * Polls with stat every `intervalMs` rather than fs.watch: stat follows symlinks and survives
 * the file being replaced by a rename, which is how editors and Kubernetes ConfigMap volumes
 * (an atomic `..data` symlink swap) update files. The file may be missing; its appearance or
 * disappearance is a change.
 *
 * `start()` takes the first stat synchronously, so a change made after `start()` returns is
 * seen, even one made before the first poll (fs.watchFile takes its first stat later, and a
 * change made before it would go unseen). A caller that starts watching before it reads the
 * file therefore cannot keep a stale copy. What stat cannot tell apart is not seen: a rewrite
 * of the same size, in place, within the file system's timestamp granularity of the previous
 * write (a few milliseconds on some kernels). `close()` leaves no timer behind.
 */
export class FileWatcher {
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private seen: FileState = null;
  private watching = false;
  /** Bumped by close(), so a poll still in flight from before it schedules nothing. */
  private generation = 0;

  constructor(
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly debounceMs: number,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    if (this.watching) {
      return;
    }
    this.watching = true;
    try {
      this.seen = snapshot(statSync(this.path));
    } catch {
      this.seen = null; // missing (or unreadable) for now
    }
    this.schedule();
  }

  close(): void {
    if (!this.watching) {
      return;
    }
    this.watching = false;
    this.generation += 1;
    clearTimeout(this.poller);
    clearTimeout(this.debounce);
    this.poller = undefined;
    this.debounce = undefined;
  }

  /** The next poll starts only after this one has finished, so polls never overlap. */
  private schedule(): void {
    this.poller = setTimeout(() => void this.poll(), this.intervalMs);
    this.poller.unref();
  }

  private async poll(): Promise<void> {
    const generation = this.generation;
    const current = await stat(this.path).then(
      (stats) => snapshot(stats),
      () => null,
    );
    if (generation !== this.generation) {
      return; // closed meanwhile (and perhaps started again, with a poll of its own)
    }
    if (!sameState(current, this.seen)) {
      this.seen = current;
      this.changed();
    }
    this.schedule();
  }

  private changed(): void {
    clearTimeout(this.debounce);
    // close() clears this timer, so it only fires while watching.
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.onChange();
    }, this.debounceMs);
    this.debounce.unref();
  }
}

/** What identifies a version of the file; null while it is missing or unreadable. */
type FileState = Pick<Stats, 'mtimeMs' | 'ctimeMs' | 'size' | 'ino'> | null;

function snapshot(stats: Stats): FileState {
  return { mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size, ino: stats.ino };
}

function sameState(a: FileState, b: FileState): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;
}
