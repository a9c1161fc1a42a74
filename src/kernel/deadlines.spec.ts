import { Deadlines } from './deadlines';

describe(Deadlines.name, () => {
  let deadlines: Deadlines;
  const timeout = () => new Error('too late');

  beforeEach(() => {
    jest.useFakeTimers();
    deadlines = new Deadlines(1000);
  });

  afterEach(() => {
    deadlines.close();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('should settle like the work when it settles in time', async () => {
    await expect(deadlines.race(Promise.resolve('done'), timeout)).resolves.toBe('done');
    const failure = new Error('failed');
    await expect(deadlines.race(Promise.reject(failure), timeout)).rejects.toBe(failure);
    expect(deadlines.pending).toBe(0);
  });

  it('should reject with the timeout error once the deadline passes, and not before', async () => {
    let rejected = false;
    const call = deadlines.race(new Promise<never>(() => undefined), timeout).catch((e: Error) => {
      rejected = true;
      return e.message;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(rejected).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toBe('too late');
    expect(deadlines.pending).toBe(0);
  });

  it('should give each of many overlapping calls its own deadline, on one timer', async () => {
    const outcomes: string[] = [];
    const hang = (label: string) =>
      deadlines.race(new Promise<never>(() => undefined), timeout).catch(() => {
        outcomes.push(label);
      });
    const first = hang('first');
    await jest.advanceTimersByTimeAsync(400);
    let finish: (value: string) => void = () => undefined;
    const answered = deadlines.race(new Promise<string>((resolve) => (finish = resolve)), timeout);
    const second = hang('second');
    expect(jest.getTimerCount()).toBe(1);
    expect(deadlines.pending).toBe(3);

    await jest.advanceTimersByTimeAsync(600); // first is due
    await first;
    expect(outcomes).toEqual(['first']);
    finish('in time');
    await expect(answered).resolves.toBe('in time');

    await jest.advanceTimersByTimeAsync(399);
    expect(outcomes).toEqual(['first']);
    await jest.advanceTimersByTimeAsync(1); // second is due, 1000 ms after it started
    await second;
    expect(outcomes).toEqual(['first', 'second']);
    expect(deadlines.pending).toBe(0);
  });

  it('should call onExpire only when the deadline wins', async () => {
    const ended = jest.fn();
    await deadlines.race(Promise.resolve(1), timeout, ended);
    expect(ended).not.toHaveBeenCalled();
    const late = expect(
      deadlines.race(new Promise<never>(() => undefined), timeout, ended),
    ).rejects.toThrow('too late');
    await jest.advanceTimersByTimeAsync(1000);
    await late;
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('should keep its queue small while one call hangs and thousands settle behind it', async () => {
    const stuck = expect(
      deadlines.race(new Promise<never>(() => undefined), timeout),
    ).rejects.toThrow('too late');
    for (let i = 0; i < 5000; i += 1) {
      await deadlines.race(Promise.resolve(i), timeout);
    }
    expect(deadlines.pending).toBe(1);
    expect((deadlines as unknown as { queue: unknown[] }).queue.length).toBeLessThan(200);
    await jest.advanceTimersByTimeAsync(1000);
    await stuck;
  });

  it('should leave no timer behind once the last call settles', async () => {
    jest.useRealTimers();
    const real = new Deadlines(60_000);
    const timer = () => (real as unknown as { timer: NodeJS.Timeout | undefined }).timer;
    let finish!: () => void;
    const call = real.race(new Promise<void>((resolve) => (finish = resolve)), timeout);
    expect(timer()).toBeDefined();
    finish();
    await call;
    expect(timer()).toBeUndefined();
    jest.useFakeTimers();
  });

  it('should not hold the process open: its timer is unref’d', () => {
    jest.useRealTimers();
    const real = new Deadlines(60_000);
    void real.race(new Promise<never>(() => undefined), timeout).catch(() => undefined);
    const timer = (real as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
    jest.useFakeTimers();
  });
});
