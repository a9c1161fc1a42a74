import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentUnavailableError } from '../../../common/errors/domain-error';
import { ForgetJournal } from './forget-journal';
import type { LeafInput } from './plan';
import { ProjectionWorker, ProjectionWorkerOptions } from './projection-worker';
import { RebuildJob } from './rebuild-job';
import { InMemoryWorldStore } from './testing/in-memory-world-store';

const T = Date.UTC(2026, 0, 1);

/** A memory log in memory: leaf i observes subject `s<i % 3>` = i at hour i % 5. */
class FakeLog {
  leaves: LeafInput[] = [];
  unavailable = false;
  reads = 0;

  append(count: number, content?: unknown): void {
    for (let n = 0; n < count; n += 1) {
      const i = this.leaves.length;
      this.leaves.push({
        leafIndex: i,
        id: `m${i}`,
        kind: 'observation',
        createdAt: new Date(T).toISOString(),
        forgottenAt: null,
        content: content ?? {
          facts: [
            {
              subject: `s${i % 3}`,
              predicate: 'p',
              object: i,
              validFrom: new Date(T + (i % 5) * 3_600_000).toISOString(),
            },
          ],
        },
      });
    }
  }

  forget(i: number): void {
    this.leaves[i] = { ...this.leaves[i], content: null, forgottenAt: new Date().toISOString() };
  }

  read = (start: number, end: number): Promise<LeafInput[]> => {
    this.reads += 1;
    if (this.unavailable) {
      return Promise.reject(new ComponentUnavailableError('memory', 'it is stopped'));
    }
    return Promise.resolve(this.leaves.slice(start, end));
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('condition not reached');
    }
    await sleep(5);
  }
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe(ProjectionWorker.name, () => {
  let log: FakeLog;
  let store: InMemoryWorldStore;
  let forgets: ForgetJournal;
  let worker: ProjectionWorker;
  let options: ProjectionWorkerOptions;
  const logger = { log: jest.fn(), warn: jest.fn() };
  const onFatal = jest.fn();

  beforeEach(() => {
    log = new FakeLog();
    store = new InMemoryWorldStore();
    forgets = new ForgetJournal();
    forgets.scanNeeded = false;
    logger.log.mockReset();
    logger.warn.mockReset();
    onFatal.mockReset();
    options = {
      store,
      readLeaves: log.read,
      batchLeaves: 4,
      intervalMs: 60_000,
      forgets,
      onFatal,
      logger,
    };
    worker = new ProjectionWorker(options);
  });

  afterEach(async () => {
    await worker.stop();
  });

  it('should apply the log in order from its cursor, in bounded batches', async () => {
    log.append(10);
    worker.start();
    await until(() => store.active().appliedThrough === 9);
    expect(store.factsOf(1)).toHaveLength(10);
    expect(worker.stats).toMatchObject({ leaves: 10, facts: 10, units: 3 });
  });

  it('should wake on a nudge instead of waiting for its timer', async () => {
    worker.start();
    await until(() => log.reads > 0);
    log.append(1);
    worker.nudge();
    // Far sooner than its one-minute timer.
    await until(() => store.active().appliedThrough === 0, 5000);
  });

  it('should catch up on its timer without being nudged', async () => {
    worker = new ProjectionWorker({ ...options, intervalMs: 20 });
    worker.start();
    await until(() => log.reads > 0);
    log.append(2);
    await until(() => store.active().appliedThrough === 1, 5000);
  });

  it('should pause while memory is unavailable, log it once, and resume from its cursor', async () => {
    worker = new ProjectionWorker({ ...options, intervalMs: 10 });
    log.append(3);
    log.unavailable = true;
    worker.start();
    await until(() => log.reads > 5);
    expect(worker.paused).toContain('memory');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(onFatal).not.toHaveBeenCalled();
    expect(store.active().appliedThrough).toBe(-1);
    log.unavailable = false;
    await until(() => store.active().appliedThrough === 2);
    expect(worker.paused).toBeNull();
    expect(logger.log).toHaveBeenCalledWith('projection resumed');
  });

  it('should report a fatal error once and stop working', async () => {
    log.append(3);
    store.failNextCommit = Object.assign(new Error('disk on fire'), { code: 'SQLITE_IOERR' });
    worker.start();
    await until(() => onFatal.mock.calls.length > 0);
    const reads = log.reads;
    worker.nudge();
    await sleep(20);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(onFatal).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk on fire' }));
    expect(log.reads).toBe(reads);
    expect(store.active().appliedThrough).toBe(-1);
  });

  it('should leave no timer behind once stopped', async () => {
    const before = timeouts();
    worker.start();
    await until(() => log.reads > 0 && timeouts() === before + 1);
    await worker.stop();
    expect(timeouts()).toBe(before);
    log.append(1);
    worker.nudge();
    await sleep(20);
    expect(store.active().appliedThrough).toBe(-1);
  });

  it('should withdraw forgotten observations, and keep them for later if that fails', async () => {
    log.append(3);
    worker.start();
    await until(() => store.active().appliedThrough === 2);
    log.forget(1);
    store.failNextCommit = new Error('busy');
    forgets.add(1);
    worker.nudge();
    await until(() => onFatal.mock.calls.length > 0);
    expect(forgets.size).toBe(1);
    expect(forgets.pending).toBe(1);
    worker = new ProjectionWorker(options);
    worker.start();
    await until(() => forgets.pending === 0);
    expect(store.factsOf(1)).toHaveLength(2);
    expect(store.factsOf(1).map((f) => f.sourceLeaf)).toEqual([0, 2]);
  });

  it('should find forgotten observations by scanning when no event told it', async () => {
    log.append(5);
    worker.start();
    await until(() => store.active().appliedThrough === 4);
    await worker.stop();
    log.forget(3);
    forgets.scanNeeded = true;
    worker = new ProjectionWorker(options);
    worker.start();
    await until(() => store.factsOf(1).length === 4);
    expect(store.factsOf(1).map((f) => f.sourceLeaf)).toEqual([0, 1, 2, 4]);
  });

  it('should skip malformed observations with a reason and move on', async () => {
    log.append(1, { facts: [{ subject: 's', predicate: 'p', object: [] }] });
    log.append(1);
    worker.start();
    await until(() => store.active().appliedThrough === 1);
    expect([...(store.skipped.get(1)?.values() ?? [])]).toEqual([
      {
        generation: 1,
        leafIndex: 0,
        memoryId: 'm0',
        reason: expect.stringContaining('facts[0].object'),
      },
    ]);
    expect(worker.stats.skipped).toBe(1);
  });

  it('should rebuild into a new generation that equals the live one, and swap it in', async () => {
    log.append(13);
    worker.start();
    await until(() => store.active().appliedThrough === 12);
    log.forget(4);
    forgets.add(4);
    worker.nudge();
    await until(() => forgets.size === 0 && store.factsOf(1).length === 12);
    const live = store.factsOf(1);
    const job = new RebuildJob();
    worker.rebuild(job);
    await until(() => !job.running);
    expect(job.snapshot()).toMatchObject({
      state: 'succeeded',
      generation: 2,
      leaves: 13,
      facts: 12,
    });
    expect(store.active().generation).toBe(2);
    expect(store.generations.get(1)?.state).toBe('retired');
    expect(store.factsOf(2)).toEqual(live);
  });

  it('should abort a rebuild when it stops', async () => {
    log.append(50);
    log.unavailable = true;
    worker.start();
    const job = new RebuildJob();
    worker.rebuild(job);
    await worker.stop();
    expect(job.snapshot()).toMatchObject({ state: 'aborted', finishedAt: expect.any(String) });
  });

  it('should skip a leaf the database refuses for good, and project the leaves after it', async () => {
    log.append(3);
    log.append(1, { facts: [{ subject: 'poison', predicate: 'p', object: 1 }] });
    log.append(3);
    store.refuseFact = (fact) =>
      fact.subject === 'poison'
        ? Object.assign(new Error('invalid byte sequence at /srv/db'), { code: '22021' })
        : null;
    worker.start();
    await until(() => store.active().appliedThrough === 6);
    expect(onFatal).not.toHaveBeenCalled();
    expect([...store.skipped.get(1)!.values()]).toEqual([
      {
        generation: 1,
        leafIndex: 3,
        memoryId: 'm3',
        reason: 'could not be projected (22021); retrying cannot fix it',
      },
    ]);
    expect(store.factsOf(1)).toHaveLength(6);
    expect(worker.stats.skipped).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('/srv/db'));
  });

  it('should still fail on an error that says the database refuses any write', async () => {
    log.append(2);
    store.refuseFact = () => Object.assign(new Error('disk full'), { code: '53100' });
    worker.start();
    await until(() => onFatal.mock.calls.length === 1);
    expect(store.active().appliedThrough).toBe(-1);
    expect(store.skipped.get(1)?.size ?? 0).toBe(0);
  });
});
