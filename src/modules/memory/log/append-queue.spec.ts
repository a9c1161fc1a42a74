import type { PendingMemory } from './append-plan';
import { AppendQueue, MAX_APPEND_BATCH } from './append-queue';
import type { AppendResult, LogWriter } from './log-writer';

/**
 * A transactional fake: a batch is stored whole or not at all. `poison` ids fail any batch that
 * holds them (as a constraint would); `failNext` fails the next batch with `error`.
 */
class FakeWriter implements LogWriter {
  batches: string[][] = [];
  stored: Array<{ id: string; leafIndex: number }> = [];
  poison = new Set<string>();
  failNext: Error | null = null;

  append(batch: readonly PendingMemory[]): Promise<AppendResult> {
    this.batches.push(batch.map((m) => m.id));
    const failure = this.failNext;
    if (failure) {
      this.failNext = null;
      return Promise.reject(failure);
    }
    const bad = batch.find((m) => this.poison.has(m.id));
    if (bad) {
      return Promise.reject(new Error(`constraint failed for ${bad.id}`));
    }
    const size = this.stored.length;
    const appended = batch.map((m, i) => ({ ...m, leafIndex: size + i, leafHash: 'h' }));
    this.stored.push(...appended.map((m) => ({ id: m.id, leafIndex: m.leafIndex })));
    return Promise.resolve({
      appended,
      treeSize: this.stored.length,
      rootHash: `root${this.stored.length}`,
    });
  }

  reset(): void {}
}

const memory = (id: string) => ({ id }) as PendingMemory;
const codeError = (code: string) => Object.assign(new Error(code), { code });

/** Calls each function from its own macrotask of one loop turn, as sockets' callbacks run. */
function inOneTurn<T>(calls: Array<() => Promise<T>>): Promise<T[]> {
  return Promise.all(
    calls.map((call) => new Promise<T>((resolve) => setImmediate(() => resolve(call())))),
  );
}

describe(AppendQueue.name, () => {
  it('should commit appends that arrive together in one batch, each with its own index', async () => {
    const writer = new FakeWriter();
    const committed: AppendResult[] = [];
    const queue = new AppendQueue(writer, (r) => committed.push(r));
    const results = await Promise.all(['a', 'b', 'c'].map((id) => queue.append(memory(id))));
    expect(writer.batches).toEqual([['a', 'b', 'c']]);
    expect(results.map((r) => [r.appended.id, r.appended.leafIndex, r.treeSize])).toEqual([
      ['a', 0, 3],
      ['b', 1, 3],
      ['c', 2, 3],
    ]);
    expect(committed).toHaveLength(1);
  });

  it('should batch appends made by separate callbacks of one event-loop turn', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    const results = await inOneTurn(
      ['a', 'b', 'c', 'd'].map((id) => () => queue.append(memory(id))),
    );
    expect(writer.batches).toEqual([['a', 'b', 'c', 'd']]);
    expect(results.map((r) => r.treeSize)).toEqual([4, 4, 4, 4]);
  });

  it('should bound the batch size', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    await Promise.all(
      Array.from({ length: MAX_APPEND_BATCH + 5 }, (_, i) => queue.append(memory(`m${i}`))),
    );
    expect(writer.batches.map((b) => b.length)).toEqual([MAX_APPEND_BATCH, 5]);
  });

  it('should fail only the memory at fault and commit the others with contiguous indices', async () => {
    const writer = new FakeWriter();
    const committed: AppendResult[] = [];
    const queue = new AppendQueue(writer, (r) => committed.push(r));
    writer.poison.add('bad');
    const ids = ['a', 'b', 'bad', 'c', 'd'];
    const outcomes = await Promise.allSettled(ids.map((id) => queue.append(memory(id))));

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(
      new Error('constraint failed for bad'),
    );
    const answered = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(answered.map((r) => [r.appended.id, r.appended.leafIndex])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ]);
    // Nothing of the failed memory is stored; the log has no gap.
    expect(writer.stored).toEqual([
      { id: 'a', leafIndex: 0 },
      { id: 'b', leafIndex: 1 },
      { id: 'c', leafIndex: 2 },
      { id: 'd', leafIndex: 3 },
    ]);
    expect(committed.map((r) => r.treeSize)).toEqual([1, 2, 3, 4]);
    // The batch, then each memory alone.
    expect(writer.batches).toEqual([ids, ['a'], ['b'], ['bad'], ['c'], ['d']]);
  });

  it('should fail the whole batch at once when the database refuses any write', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    writer.failNext = codeError('SQLITE_FULL');
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => queue.append(memory(id))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(writer.batches).toEqual([['a', 'b', 'c']]);
    expect(writer.stored).toEqual([]);
  });

  it('should stop retrying alone once a retry meets an error every write would meet', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    writer.poison.add('a');
    const pending = ['a', 'b', 'c'].map((id) => queue.append(memory(id)));
    // The batch fails on 'a'; 'a' alone fails too; then the disk fills up.
    const original = writer.append.bind(writer);
    let calls = 0;
    writer.append = (batch) => {
      calls += 1;
      if (calls === 3) {
        writer.batches.push(batch.map((m) => m.id));
        return Promise.reject(codeError('SQLITE_IOERR_WRITE'));
      }
      return original(batch);
    };
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(writer.batches).toEqual([['a', 'b', 'c'], ['a'], ['b']]);
    expect(writer.stored).toEqual([]);
  });

  it('should answer the callers of a committed batch although a listener throws', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => {
      throw new Error('listener broke');
    });
    await expect(queue.append(memory('a'))).resolves.toMatchObject({ appended: { leafIndex: 0 } });
    expect(writer.batches).toEqual([['a']]);
  });

  it('should go on with the next batch after a failed one', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    writer.failNext = new Error('disk on fire');
    await expect(queue.append(memory('doomed'))).rejects.toThrow('disk on fire');
    await expect(queue.append(memory('fine'))).resolves.toMatchObject({
      appended: { leafIndex: 0 },
    });
    await queue.idle();
  });
});
