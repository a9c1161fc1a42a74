import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileWatcher } from './file-watcher';

const INTERVAL_MS = 20;
const DEBOUNCE_MS = 60;
// The burst test's writes are INTERVAL_MS * 2 apart; its debounce must outlast any stall of
// this (shared) event loop between two of them, or a loaded CI host splits the burst in two.
const BURST_DEBOUNCE_MS = 600;

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await sleep(10);
  }
}

describe(FileWatcher.name, () => {
  let dir: string;
  let file: string;
  let watchers: FileWatcher[];

  /** A watcher of `file`, not started, recording when it calls back; closed after the test. */
  const watcherOf = (debounceMs = DEBOUNCE_MS) => {
    const calls: number[] = [];
    const watcher = new FileWatcher(file, INTERVAL_MS, debounceMs, () => calls.push(Date.now()));
    watchers.push(watcher);
    return { watcher, calls };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phoenix-watch-'));
    file = join(dir, 'axioms.json');
    watchers = [];
  });

  afterEach(() => {
    watchers.forEach((watcher) => watcher.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('should call back once for a burst of writes, after the file has been quiet', async () => {
    writeFileSync(file, '1');
    const { watcher, calls } = watcherOf(BURST_DEBOUNCE_MS);
    watcher.start();
    await sleep(INTERVAL_MS * 3);
    writeFileSync(file, '22');
    await sleep(INTERVAL_MS * 2);
    writeFileSync(file, '333');
    await sleep(INTERVAL_MS * 2);
    writeFileSync(file, '4444');
    const lastWriteAt = Date.now();
    await until(() => calls.length > 0, BURST_DEBOUNCE_MS * 5);
    await sleep(BURST_DEBOUNCE_MS * 2);
    expect(calls).toHaveLength(1);
    // Node may fire a timer up to a millisecond early.
    expect(calls[0] - lastWriteAt).toBeGreaterThanOrEqual(BURST_DEBOUNCE_MS - 1);
  });

  it('should notice a file that appears after it started', async () => {
    const { watcher, calls } = watcherOf();
    watcher.start();
    await sleep(INTERVAL_MS * 3);
    writeFileSync(file, '{}');
    await until(() => calls.length === 1);
  });

  it('should see a change made right after start(), before its first poll', async () => {
    writeFileSync(file, '1');
    const { watcher, calls } = watcherOf();
    watcher.start();
    writeFileSync(file, '22');
    await until(() => calls.length === 1);
  });

  it('should see the file disappear, and appear again', async () => {
    writeFileSync(file, '1');
    const { watcher, calls } = watcherOf();
    watcher.start();
    rmSync(file);
    await until(() => calls.length === 1);
    writeFileSync(file, '1');
    await until(() => calls.length === 2);
  });

  it('should keep one poll going when closed and started again while a poll is in flight', async () => {
    writeFileSync(file, '1');
    const { watcher, calls } = watcherOf();
    const inner = watcher as unknown as { poll(): Promise<void> };
    const poll = inner.poll.bind(watcher);
    let polls = 0;
    let restarted = false;
    jest.spyOn(inner, 'poll').mockImplementation(() => {
      polls += 1;
      const inFlight = poll();
      if (!restarted) {
        restarted = true;
        watcher.close();
        watcher.start(); // the first poll is still waiting for its stat
      }
      return inFlight;
    });
    watcher.start();
    await until(() => restarted);
    const before = polls;
    await sleep(INTERVAL_MS * 10);
    // One chain polls about once an interval; two would poll about twice as often.
    expect(polls - before).toBeLessThanOrEqual(11);
    writeFileSync(file, '22');
    await until(() => calls.length === 1);
  });

  it('should not call back once closed, neither for a pending change nor a later one', async () => {
    writeFileSync(file, '1');
    const { watcher, calls } = watcherOf();
    watcher.start();
    await sleep(INTERVAL_MS * 3);
    writeFileSync(file, '22');
    await sleep(INTERVAL_MS * 2); // seen, debounce pending
    watcher.close();
    watcher.close();
    writeFileSync(file, '333');
    await sleep(DEBOUNCE_MS + INTERVAL_MS * 5);
    expect(calls).toEqual([]);
  });
});
