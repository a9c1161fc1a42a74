import type { ComponentName, ComponentSelfReport, SupervisedComponent } from '../component';

/** A scriptable component for the kernel's unit tests. */
export class FakeComponent implements SupervisedComponent {
  readonly critical = false;
  starts = 0;
  stops = 0;
  /** How many of the next start() calls throw. */
  failingStarts = 0;
  /** start() never settles. */
  hangingStart = false;
  /** What selfReport() answers; undefined: no self-report. */
  report: ComponentSelfReport | undefined;

  constructor(
    readonly name: ComponentName,
    private readonly journal: string[] = [],
  ) {}

  start(): Promise<void> {
    this.starts += 1;
    this.journal.push(`start ${this.name}`);
    if (this.hangingStart) {
      return new Promise<void>(() => undefined);
    }
    if (this.failingStarts > 0) {
      this.failingStarts -= 1;
      return Promise.reject(new Error(`${this.name} could not start`));
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stops += 1;
    this.journal.push(`stop ${this.name}`);
    return Promise.resolve();
  }

  selfReport(): ComponentSelfReport {
    return this.report ?? { state: 'running' };
  }
}
