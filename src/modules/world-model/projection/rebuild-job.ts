export type RebuildState = 'running' | 'succeeded' | 'failed' | 'aborted';

/** A rebuild, as the admin API reports it. */
export interface RebuildStatus {
  state: RebuildState;
  /** The generation being built (null until it exists). */
  generation: number | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Leaves replayed so far. */
  leaves: number;
  /** Facts written so far. */
  facts: number;
  /** Malformed observations skipped so far. */
  skipped: number;
  error: string | null;
  /** The generation it replaced, once swapped in. */
  replacedGeneration: number | null;
  /** Whether the rows of the replaced generation are deleted yet (idle-time work). */
  replacedDeleted: boolean;
}

/** The state of one rebuild while the projection worker carries it out. */
export class RebuildJob {
  readonly status: RebuildStatus;
  private readonly started = performance.now();

  constructor() {
    this.status = {
      state: 'running',
      generation: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationMs: null,
      leaves: 0,
      facts: 0,
      skipped: 0,
      error: null,
      replacedGeneration: null,
      replacedDeleted: false,
    };
  }

  get running(): boolean {
    return this.status.state === 'running';
  }

  finish(state: Exclude<RebuildState, 'running'>, error?: string): void {
    if (!this.running) {
      return;
    }
    this.status.state = state;
    this.status.finishedAt = new Date().toISOString();
    this.status.durationMs = Math.round(performance.now() - this.started);
    this.status.error = error ?? null;
  }

  snapshot(): RebuildStatus {
    return { ...this.status };
  }
}
