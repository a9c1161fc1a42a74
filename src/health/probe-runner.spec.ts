import type { HealthIndicatorResult } from '@nestjs/terminus';
import { ProbeIndicator, runProbe } from './probe-runner';

const TIMEOUTS = { indicatorTimeoutMs: 50, timeoutMs: 100 };

function indicator(
  key: string,
  check: (signal: AbortSignal) => Promise<HealthIndicatorResult> | HealthIndicatorResult,
): ProbeIndicator {
  return { key, check };
}

const up = (key: string) => indicator(key, () => ({ [key]: { status: 'up' } }));

describe(runProbe.name, () => {
  it('should be ok when every indicator is up, with each one in info and details', async () => {
    const result = await runProbe([up('a'), up('b')], TIMEOUTS);
    expect(result).toEqual({
      status: 'ok',
      info: {
        a: { status: 'up', durationMs: expect.any(Number) },
        b: { status: 'up', durationMs: expect.any(Number) },
      },
      error: {},
      details: {
        a: { status: 'up', durationMs: expect.any(Number) },
        b: { status: 'up', durationMs: expect.any(Number) },
      },
    });
  });

  it('should be degraded, not an error, when one indicator is degraded', async () => {
    const degraded = indicator('c', () => ({ c: { status: 'degraded', message: 'slow' } }));
    const result = await runProbe([up('a'), degraded], TIMEOUTS);
    expect(result.status).toBe('degraded');
    expect(result.info?.c).toMatchObject({ status: 'degraded', message: 'slow' });
    expect(result.error).toEqual({});
  });

  it('should be an error when one indicator is down, a throw counting as down', async () => {
    const broken = indicator('db', () => Promise.reject(new Error('connection refused')));
    const result = await runProbe([up('a'), broken], TIMEOUTS);
    expect(result.status).toBe('error');
    expect(result.error).toEqual({
      db: { status: 'down', message: 'connection refused', durationMs: expect.any(Number) },
    });
    expect(result.info?.a?.status).toBe('up');
  });

  it('should report a hung indicator down after its own timeout and abort its signal', async () => {
    let aborted = false;
    const hung = indicator('hung', (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    });
    // The overall timeout is far away: the indicator's own timeout must be what answered.
    const result = await runProbe([hung, up('a')], { indicatorTimeoutMs: 50, timeoutMs: 10_000 });
    expect(result.error?.hung).toMatchObject({
      status: 'down',
      message: 'timeout of 50ms exceeded',
    });
    expect(aborted).toBe(true);
  });

  it('should answer by the overall timeout whatever the indicators do', async () => {
    // An indicator that ignores its signal and never settles, and whose own timeout is far away.
    const slow = indicator('slow', () => new Promise(() => undefined));
    const result = await runProbe([slow, up('a')], { indicatorTimeoutMs: 10_000, timeoutMs: 60 });
    expect(result.status).toBe('error');
    expect(result.error?.slow).toEqual({
      status: 'down',
      message: 'probe timeout of 60ms exceeded',
    });
    expect(result.info?.a?.status).toBe('up');
  });

  it('should leave no timer behind when the overall timeout answers for a hung indicator', async () => {
    jest.useFakeTimers();
    try {
      const hung = indicator('hung', () => new Promise(() => undefined));
      const probe = runProbe([hung], { indicatorTimeoutMs: 60_000, timeoutMs: 20 });
      await jest.advanceTimersByTimeAsync(20);
      const result = await probe;
      expect(result.error?.hung?.message).toBe('probe timeout of 20ms exceeded');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should report an indicator that answers for another key as down', async () => {
    const wrong = indicator('mine', () => ({ other: { status: 'up' } }));
    const result = await runProbe([wrong], TIMEOUTS);
    expect(result.error?.mine).toMatchObject({
      status: 'down',
      message: 'indicator returned no result for mine',
    });
  });
});
