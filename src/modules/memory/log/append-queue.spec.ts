import type { PendingMemory } from './append-plan';
import { AppendQueue, MAX_APPEND_BATCH } from './append-queue';
import type { AppendResult, LogWriter } from './log-writer';

class FakeWriter implements LogWriter {
  batches: number[] = [];
  size = 0;
  failNext = false;

  append(batch: readonly PendingMemory[]): Promise<AppendResult> {
    this.batches.push(batch.length);
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('disk on fire'));
    }
    const appended = batch.map((m, i) => ({ ...m, leafIndex: this.size + i, leafHash: 'h' }));
    this.size += batch.length;
    return Promise.resolve({ appended, treeSize: this.size, rootHash: `root${this.size}` });
  }

  reset(): void {}
}

const memory = (id: string) => ({ id }) as PendingMemory;

describe(AppendQueue.name, () => {
  it('should commit appends that arrive together in one batch, each with its own index', async () => {
    const writer = new FakeWriter();
    const committed: AppendResult[] = [];
    const queue = new AppendQueue(writer, (r) => committed.push(r));
    const results = await Promise.all(['a', 'b', 'c'].map((id) => queue.append(memory(id))));
    expect(writer.batches).toEqual([3]);
    expect(results.map((r) => [r.appended.id, r.appended.leafIndex, r.treeSize])).toEqual([
      ['a', 0, 3],
      ['b', 1, 3],
      ['c', 2, 3],
    ]);
    expect(committed).toHaveLength(1);
  });

  it('should bound the batch size', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    await Promise.all(
      Array.from({ length: MAX_APPEND_BATCH + 5 }, (_, i) => queue.append(memory(`m${i}`))),
    );
    expect(writer.batches).toEqual([MAX_APPEND_BATCH, 5]);
  });

  it('should fail only the batch whose transaction failed, and go on with the next', async () => {
    const writer = new FakeWriter();
    const queue = new AppendQueue(writer, () => undefined);
    writer.failNext = true;
    const first = queue.append(memory('doomed'));
    await expect(first).rejects.toThrow('disk on fire');
    await expect(queue.append(memory('fine'))).resolves.toMatchObject({
      appended: { leafIndex: 0 },
    });
    await queue.idle();
  });
});
