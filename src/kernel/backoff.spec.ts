import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe(backoffDelay.name, () => {
  it('should start at 100 ms and double on each attempt', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt))).toEqual([
      100, 200, 400, 800, 1600, 3200,
    ]);
  });

  it('should never exceed 5 s', () => {
    expect(backoffDelay(6)).toBe(5000);
    expect(backoffDelay(50)).toBe(5000);
    expect(backoffDelay(5000)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('should follow a given policy', () => {
    expect(backoffDelay(0, { initialMs: 10, maxMs: 30 })).toBe(10);
    expect(backoffDelay(2, { initialMs: 10, maxMs: 30 })).toBe(30);
  });

  it('should refuse a negative or fractional attempt', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(0.5)).toThrow(RangeError);
  });
});
