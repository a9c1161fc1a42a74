/**
 * A sliding window of restart times, as in Erlang/OTP supervisors: at most `limit` restarts
 * within `windowMs`. Past the limit, restarting again would only hide a fault that keeps coming
 * back, so the component stays failed until an operator starts it.
 */
export class RestartIntensity {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Restarts recorded within the window that ends at `now`. */
  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }

  /** Whether one more restart at `now` would go past the limit. */
  exhausted(now: number): boolean {
    return this.count(now) >= this.limit;
  }

  record(now: number): void {
    this.prune(now);
    this.times.push(now);
  }

  reset(): void {
    this.times.length = 0;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && this.times[0] <= now - this.windowMs) {
      this.times.shift();
    }
  }
}
