/**
 * Deadlines of one fixed length for any number of calls at once, on one timer.
 *
 * Why not a `setTimeout` per call: every request through the component boundary needs a
 * deadline, and a timer per call (a Timeout object, an async-hooks init, a second promise and
 * `Promise.race`, then `clearTimeout`) was a measurable share of an `/api/v1` request's CPU
 * (docs/performance.md, "PlasticLTM → Where the time goes"). Because every deadline here has
 * the same length, calls expire in the order they started: a FIFO queue is also a deadline
 * order, and one timer armed for the oldest pending deadline serves them all. A call that
 * settles is marked done and dropped from the head of the queue; the timer, when it fires,
 * expires what is due and re-arms itself for the next pending deadline, if any.
 *
 * The timer is unref'd: it never keeps the process alive by itself (a server has its sockets
 * for that), and it is cleared as soon as nothing is pending.
 */
export class Deadlines {
  private queue: Array<Pending> = [];
  private head = 0;
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ms: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Calls waiting for their work or their deadline. */
  get pending(): number {
    return this.pendingCount;
  }

  /**
   * Settles like `work`, or rejects with `onTimeout()` once `ms` have passed, whichever comes
   * first. `onExpire`, if given, runs when the deadline wins (to end what `work` waits on).
   */
  race<T>(work: Promise<T>, onTimeout: () => unknown, onExpire?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = new Pending(this.now() + this.ms, reject, onTimeout, onExpire);
      this.add(entry);
      work.then(
        (value) => {
          if (this.finish(entry)) {
            resolve(value);
          }
        },
        (error: unknown) => {
          if (this.finish(entry)) {
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as thrown
            reject(error);
          }
        },
      );
    });
  }

  /** Clears the timer when nothing is pending (shutdown); pending calls keep their deadline. */
  close(): void {
    if (this.pendingCount === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private add(entry: Pending): void {
    this.queue.push(entry);
    this.pendingCount += 1;
    // Deadlines only grow, so an armed timer is due no later than this one.
    if (!this.timer) {
      this.arm(this.ms);
    }
  }

  /** Marks `entry` settled by its work; false if its deadline already answered. */
  private finish(entry: Pending): boolean {
    if (entry.done) {
      return false;
    }
    entry.release();
    this.pendingCount -= 1;
    if (this.pendingCount === 0) {
      // Idle: no timer outlives the last call (under load the count rarely reaches 0, so the
      // one timer is re-armed seldom; at one call at a time this is a timer per call, as before).
      this.queue.length = 0;
      this.head = 0;
      this.close();
      return true;
    }
    if (this.queue[this.head] === entry) {
      this.dropSettledHead();
    } else if (this.queue.length - this.head > 2 * this.pendingCount + 64) {
      // A call older than many others is still pending: keep the queue from growing with the
      // settled ones behind it.
      this.queue = this.queue.slice(this.head).filter((e) => !e.done);
      this.head = 0;
    }
    return true;
  }

  private dropSettledHead(): void {
    const { queue } = this;
    while (this.head < queue.length && queue[this.head].done) {
      this.head += 1;
    }
    if (this.head === queue.length) {
      queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= queue.length) {
      queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = this.now();
    const { queue } = this;
    while (this.head < queue.length) {
      const entry = queue[this.head];
      if (!entry.done) {
        if (entry.at > now) {
          break;
        }
        this.pendingCount -= 1;
        entry.expire();
      }
      this.head += 1;
    }
    this.dropSettledHead();
    if (this.head < this.queue.length) {
      this.arm(this.queue[this.head].at - now);
    }
  };

  private arm(ms: number): void {
    // Rounded up, so the timer does not fire a fraction of a millisecond early and re-arm.
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(ms)));
    this.timer.unref();
  }
}

class Pending {
  done = false;

  constructor(
    readonly at: number,
    private reject: ((reason: unknown) => void) | undefined,
    private onTimeout: (() => unknown) | undefined,
    private onExpire: (() => void) | undefined,
  ) {}

  /** Settled by its work: drop what the deadline would have needed. */
  release(): void {
    this.done = true;
    this.reject = undefined;
    this.onTimeout = undefined;
    this.onExpire = undefined;
  }

  expire(): void {
    const { reject, onTimeout, onExpire } = this;
    this.release();
    try {
      reject?.(onTimeout?.());
    } catch (error) {
      reject?.(error);
    }
    onExpire?.();
  }
}
