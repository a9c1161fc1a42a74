import type { HealthCheckResult } from '@nestjs/terminus';

/** One evaluated probe, ready to send: machines read `statusCode`, humans ask for `result`. */
export interface ProbeOutcome {
  readonly statusCode: 200 | 503;
  readonly result: HealthCheckResult;
  /** The terse body, serialised once per evaluation: the status, and what is down if any. */
  readonly body: string;
  /** The body's length in bytes, as the Content-Length header wants it. */
  readonly contentLength: string;
  readonly checkedAt: string;
}

export function toOutcome(result: HealthCheckResult): ProbeOutcome {
  const failed = result.status === 'error' || result.status === 'shutting_down';
  const hasErrors = Object.keys(result.error ?? {}).length > 0;
  const body = JSON.stringify(
    hasErrors ? { status: result.status, error: result.error } : { status: result.status },
  );
  return {
    statusCode: failed ? 503 : 200,
    result,
    body,
    contentLength: String(Buffer.byteLength(body)),
    checkedAt: new Date().toISOString(),
  };
}

/** The verbose body: terminus's whole result (info, error, details) and when it was taken. */
export function verboseBody(outcome: ProbeOutcome): string {
  return JSON.stringify({ ...outcome.result, checkedAt: outcome.checkedAt });
}

export function shuttingDownOutcome(): ProbeOutcome {
  return toOutcome({ status: 'shutting_down', info: {}, error: {}, details: {} });
}
