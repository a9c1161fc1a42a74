/** Counts work in progress and lets shutdown wait, within a bound, until there is none. */
export class InFlight {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.count;
  }

  enter(): void {
    this.count += 1;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0) {
      this.waiters.forEach((wake) => wake());
    }
  }

  /** Resolves true once nothing is in progress, or false after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) {
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    try {
      return await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        this.waiters.add(wake);
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      if (wake) {
        this.waiters.delete(wake);
      }
    }
  }
}
