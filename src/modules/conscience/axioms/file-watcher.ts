import { type Stats, unwatchFile, watchFile } from 'node:fs';

/**
 * Calls `onChange` once a file has changed and then stayed unchanged for `debounceMs`.
 * Polls with fs.watchFile (a stat every `intervalMs`) rather than fs.watch: stat follows
 * symlinks and survives the file being replaced by a rename, which is how editors and
 * Kubernetes ConfigMap volumes (an atomic `..data` symlink swap) update files. The file may
 * be missing at first; its appearance is a change. `close()` leaves no timer or watcher behind.
 */
export class FileWatcher {
  private timer: NodeJS.Timeout | undefined;
  private watching = false;

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
    watchFile(this.path, { interval: this.intervalMs, persistent: false }, this.listener);
  }

  close(): void {
    if (!this.watching) {
      return;
    }
    this.watching = false;
    unwatchFile(this.path, this.listener);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly listener = (current: Stats, previous: Stats): void => {
    if (!this.watching || sameFile(current, previous)) {
      return; // an access, not a change
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.watching) {
        this.onChange();
      }
    }, this.debounceMs);
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;
}
