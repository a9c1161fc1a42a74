import type {
  HealthCheckResult,
  HealthCheckStatus,
  HealthIndicatorResult,
  HealthIndicatorStatus,
} from '@nestjs/terminus';

/** One check of a probe: resolves to the terminus result for `key`, or throws (= down). */
export interface ProbeIndicator {
  key: string;
  check(signal: AbortSignal): Promise<HealthIndicatorResult> | HealthIndicatorResult;
}

export interface ProbeTimeouts {
  /** Longest any one indicator may take before it is reported down. */
  indicatorTimeoutMs: number;
  /** Longest the whole probe may take: indicators still running then are reported down. */
  timeoutMs: number;
}

type Detail = HealthIndicatorResult[string];

/**
 * Runs the indicators concurrently, each under its own timeout and all under an overall one,
 * and composes the terminus-shaped result: `error` if any is down, `degraded` if any is
 * degraded, else `ok`. It never rejects and never outlives `timeoutMs`: an indicator that
 * throws, hangs or returns something else is reported down with the reason.
 */
export async function runProbe(
  indicators: readonly ProbeIndicator[],
  timeouts: ProbeTimeouts,
): Promise<HealthCheckResult> {
  const details: Record<string, Detail> = {};
  const abort = new AbortController();
  let overallTimer: NodeJS.Timeout | undefined;
  const overall = new Promise<void>((resolve) => {
    overallTimer = setTimeout(resolve, timeouts.timeoutMs);
  });
  try {
    await Promise.race([
      Promise.all(
        indicators.map(async (indicator) => {
          details[indicator.key] = await runOne(indicator, timeouts.indicatorTimeoutMs, abort);
        }),
      ),
      overall,
    ]);
  } finally {
    clearTimeout(overallTimer);
    abort.abort();
  }
  for (const { key } of indicators) {
    details[key] ??= {
      status: 'down',
      message: `probe timeout of ${timeouts.timeoutMs}ms exceeded`,
    };
  }
  return compose(indicators.map(({ key }) => [key, details[key]]));
}

async function runOne(
  indicator: ProbeIndicator,
  timeoutMs: number,
  overall: AbortController,
): Promise<Detail> {
  const started = performance.now();
  const own = new AbortController();
  const signal = AbortSignal.any([overall.signal, own.signal]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Detail>((resolve) => {
    timer = setTimeout(() => {
      own.abort();
      resolve({ status: 'down', message: `timeout of ${timeoutMs}ms exceeded` });
    }, timeoutMs);
  });
  // The probe answered without this indicator (overall timeout): its timer has nothing left to do.
  const stopTimer = () => clearTimeout(timer);
  overall.signal.addEventListener('abort', stopTimer, { once: true });
  try {
    const settled = Promise.resolve()
      .then(() => indicator.check(signal))
      .then(
        (result): Detail =>
          isDetail(result[indicator.key])
            ? result[indicator.key]
            : { status: 'down', message: `indicator returned no result for ${indicator.key}` },
        (error: unknown): Detail => ({
          status: 'down',
          message: error instanceof Error ? error.message : String(error),
        }),
      );
    const detail = await Promise.race([settled, timedOut]);
    return { ...detail, durationMs: round(performance.now() - started) };
  } finally {
    stopTimer();
    overall.signal.removeEventListener('abort', stopTimer);
  }
}

function compose(entries: Array<[string, Detail]>): HealthCheckResult {
  const info: Record<string, Detail> = {};
  const error: Record<string, Detail> = {};
  let status: HealthCheckStatus = 'ok';
  for (const [key, detail] of entries) {
    if (detail.status === 'down') {
      error[key] = detail;
      status = 'error';
    } else {
      info[key] = detail;
      if (detail.status === 'degraded' && status === 'ok') {
        status = 'degraded';
      }
    }
  }
  return { status, info, error, details: Object.fromEntries(entries) };
}

const STATUSES: ReadonlySet<unknown> = new Set<HealthIndicatorStatus>(['up', 'degraded', 'down']);

function isDetail(value: unknown): value is Detail {
  return typeof value === 'object' && value !== null && STATUSES.has((value as Detail).status);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
