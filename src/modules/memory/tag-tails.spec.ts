import { TaggedLeaf, TagTails } from './tag-tails';

/** A log of leaves, and what the database would answer for a pair below a size. */
class Log {
  readonly leaves: TaggedLeaf[] = [];

  append(tails: TagTails, ...batch: Array<[kind: string, tags: string[]]>): void {
    const leaves = batch.map(([kind, tags], i) => ({
      leafIndex: this.leaves.length + i,
      kind,
      tags,
    }));
    this.leaves.push(...leaves);
    tails.appended(leaves, this.leaves.length);
  }

  newest(kind: string, tag: string, limit: number, below = this.leaves.length): string[][] {
    return this.leaves
      .slice(0, below)
      .filter((l) => l.kind === kind && l.tags.includes(tag))
      .reverse()
      .slice(0, limit)
      .map((l) => [...l.tags]);
  }

  /** The read as SqliteMemoryStatements.latestTagged does it, with this model as the index. */
  read(tails: TagTails, kind: string, tag: string, limit: number): string[][] {
    return tails
      .latest(kind, tag, limit, this.leaves.length, () => this.newest(kind, tag, limit))
      .map((t) => [...t]);
  }
}

describe(TagTails.name, () => {
  it('should answer nothing for a pair it was never given', () => {
    const tails = new TagTails();
    const log = new Log();
    log.append(tails, ['decision', ['subject:a']]);
    expect(tails.get('decision', 'subject:a', 5, 1)).toBeUndefined();
  });

  it('should extend a filled tail with every commit and keep only its capacity', () => {
    const tails = new TagTails();
    const log = new Log();
    log.append(tails, ['decision', ['subject:a', 'verdict:deny']], ['note', ['subject:a']]);
    expect(log.read(tails, 'decision', 'subject:a', 2)).toEqual([['subject:a', 'verdict:deny']]);
    log.append(
      tails,
      ['decision', ['subject:a', 'verdict:allow']],
      ['decision', ['subject:b', 'verdict:deny']],
      ['decision', ['subject:a', 'verdict:escalate']],
    );
    expect(tails.get('decision', 'subject:a', 2, 5)).toEqual([
      ['subject:a', 'verdict:escalate'],
      ['subject:a', 'verdict:allow'],
    ]);
    expect(tails.get('decision', 'subject:a', 1, 5)).toEqual([['subject:a', 'verdict:escalate']]);
    // More than the tail was filled for: only the database knows.
    expect(tails.get('decision', 'subject:a', 3, 5)).toBeUndefined();
  });

  it('should agree with the database on a random log of kinds, tags and reads', () => {
    // A fixed-seed generator: the same sequence on every run.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const tails = new TagTails(40);
    const log = new Log();
    let hits = 0;
    for (let step = 0; step < 2000; step += 1) {
      if (next(3) === 0) {
        const batch = Array.from({ length: 1 + next(4) }, (): [string, string[]] => [
          next(4) === 0 ? 'note' : 'decision',
          [`subject:${next(8)}`, `verdict:${next(3)}`],
        ]);
        log.append(tails, ...batch);
      } else {
        const kind = next(5) === 0 ? 'note' : 'decision';
        const tag = `subject:${next(8)}`;
        const limit = 1 + next(12);
        if (tails.get(kind, tag, limit, log.leaves.length)) {
          hits += 1;
        }
        expect(log.read(tails, kind, tag, limit)).toEqual(log.newest(kind, tag, limit));
      }
      expect(tails.size.reserved).toBeLessThanOrEqual(40);
    }
    expect(hits).toBeGreaterThan(500);
  });

  it('should start over when the log grew without it (another writer)', () => {
    const tails = new TagTails();
    const log = new Log();
    log.append(tails, ['decision', ['subject:a']]);
    log.read(tails, 'decision', 'subject:a', 5);
    expect(tails.get('decision', 'subject:a', 5, 1)).toEqual([['subject:a']]);
    // Two leaves appended elsewhere: the size read is 3, the cache saw 1.
    expect(tails.get('decision', 'subject:a', 5, 3)).toBeUndefined();
    expect(tails.size.pairs).toBe(0);
    // A commit that does not start where the cache stopped is not trusted either.
    tails.fill('decision', 'subject:a', 5, [['subject:a']], 3);
    tails.appended([{ leafIndex: 7, kind: 'decision', tags: ['subject:a'] }], 8);
    expect(tails.get('decision', 'subject:a', 5, 8)).toBeUndefined();
  });

  it('should leave to the database the limits SQL reads otherwise (0, negative, fractional)', () => {
    const tails = new TagTails();
    const log = new Log();
    log.append(tails, ['decision', ['subject:a']], ['decision', ['subject:a']]);
    log.read(tails, 'decision', 'subject:a', 5);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(tails.get('decision', 'subject:a', limit, 2)).toBeUndefined();
    }
    tails.fill('decision', 'subject:b', 0, [], 2);
    expect(tails.size.pairs).toBe(1);
  });

  it('should drop the least recently read pairs beyond its budget', () => {
    const tails = new TagTails(10);
    const log = new Log();
    log.append(tails, ['decision', ['subject:a', 'subject:b', 'subject:c']]);
    log.read(tails, 'decision', 'subject:a', 4);
    log.read(tails, 'decision', 'subject:b', 4);
    log.read(tails, 'decision', 'subject:a', 4);
    log.read(tails, 'decision', 'subject:c', 4);
    expect(tails.size).toEqual({ pairs: 2, reserved: 8 });
    expect(tails.get('decision', 'subject:b', 1, 1)).toBeUndefined();
    expect(tails.get('decision', 'subject:a', 1, 1)).toEqual([
      ['subject:a', 'subject:b', 'subject:c'],
    ]);
    // A pair larger than the whole budget is not kept.
    log.read(tails, 'decision', 'subject:b', 11);
    expect(tails.get('decision', 'subject:b', 11, 1)).toBeUndefined();
  });
});
