import fc from 'fast-check';
import { holds, resolveTimeline } from '../rules/timeline';
import {
  addCounts,
  claimsOfLeaf,
  countsOf,
  FactChanges,
  FactCounts,
  groupKey,
  GroupWindow,
  LeafInput,
  NO_COUNTS,
  planChanges,
  StoredFact,
} from './plan';

const T = Date.UTC(2026, 0, 1);

/** The projection tables in memory, queried the way the SQL stores query them. */
class InMemoryWorld {
  readonly facts = new Map<string, StoredFact>();
  /** Kept from the deltas alone, as the stores keep them. */
  counts: FactCounts = NO_COUNTS;

  context(windows: GroupWindow[]): StoredFact[] {
    return [...this.facts.values()].filter((f) =>
      windows.some(
        (w) =>
          w.subject === f.subject &&
          w.predicate === f.predicate &&
          (f.validFrom >= w.from ||
            (holds(f.status) && (f.validTo === null || f.validTo >= w.from))),
      ),
    );
  }

  bySource(leaves: number[]): StoredFact[] {
    return [...this.facts.values()].filter((f) => leaves.includes(f.sourceLeaf));
  }

  apply(changes: FactChanges): void {
    this.counts = addCounts(this.counts, changes.delta);
    changes.deletes.forEach((f) => this.facts.delete(f.id));
    [...changes.inserts, ...changes.updates].forEach((f) => this.facts.set(f.id, f));
  }

  add(added: StoredFact[]): void {
    const windows = windowsFor(added);
    this.apply(planChanges({ added, removed: [], context: this.context(windows) }));
  }

  withdraw(leaves: number[]): void {
    const removed = this.bySource(leaves);
    this.apply(planChanges({ added: [], removed, context: this.context(windowsFor(removed)) }));
  }
}

function windowsFor(facts: StoredFact[]): GroupWindow[] {
  const out = new Map<string, GroupWindow>();
  for (const f of facts) {
    const w = out.get(groupKey(f));
    if (!w || f.validFrom < w.from) {
      out.set(groupKey(f), { subject: f.subject, predicate: f.predicate, from: f.validFrom });
    }
  }
  return [...out.values()];
}

/** Every group derived from scratch: what a rebuild computes. */
function fromScratch(facts: StoredFact[]): Map<string, StoredFact> {
  const groups = new Map<string, StoredFact[]>();
  facts.forEach((f) => groups.set(groupKey(f), [...(groups.get(groupKey(f)) ?? []), f]));
  const out = new Map<string, StoredFact>();
  for (const group of groups.values()) {
    const derived = resolveTimeline([], group);
    group.forEach((f) => out.set(f.id, { ...f, ...derived.get(f.id) }));
  }
  return out;
}

const factArb = fc.record({
  subject: fc.constantFrom('a', 'b'),
  predicate: fc.constantFrom('p', 'q'),
  object: fc.constantFrom<string | number | boolean | null>('x', 'y', 1, true, null),
  confidence: fc.constantFrom(0.5, 1),
  hour: fc.integer({ min: 0, max: 5 }),
  cardinality: fc.constantFrom('one', 'many', 'one'),
});

const historyArb = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.array(factArb, { minLength: 1, maxLength: 4 }).map((facts) => ({ facts })),
    },
    { weight: 1, arbitrary: fc.nat(40).map((forget) => ({ forget })) },
  ),
  { minLength: 1, maxLength: 40 },
);

describe(planChanges.name, () => {
  it('should derive incrementally exactly what a replay from scratch derives', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 1, max: 5 }), (history, batchSize) => {
        const world = new InMemoryWorld();
        const all = new Map<number, StoredFact[]>();
        let pending: StoredFact[] = [];
        history.forEach((step, leafIndex) => {
          if ('forget' in step) {
            world.add(pending);
            pending = [];
            const leaf = step.forget % (leafIndex + 1);
            all.delete(leaf);
            world.withdraw([leaf]);
            return;
          }
          const leaf: LeafInput = {
            leafIndex,
            id: `m${leafIndex}`,
            kind: 'observation',
            createdAt: new Date(T).toISOString(),
            forgottenAt: null,
            content: {
              facts: step.facts.map((f) => ({
                subject: f.subject,
                predicate: f.predicate,
                object: f.object,
                confidence: f.confidence,
                cardinality: f.cardinality,
                validFrom: new Date(T + f.hour * 3_600_000).toISOString(),
              })),
            },
          };
          const claims = claimsOfLeaf(leaf);
          if (claims.kind !== 'facts') {
            throw new Error('generated a bad observation');
          }
          all.set(leafIndex, claims.facts);
          pending.push(...claims.facts);
          if (pending.length >= batchSize) {
            world.add(pending);
            pending = [];
          }
        });
        world.add(pending);
        const expected = fromScratch([...all.values()].flat());
        expect(new Map([...world.facts].sort())).toEqual(new Map([...expected].sort()));
        expect(world.counts).toEqual(countsOf(expected.values()));
      }),
      { numRuns: 300 },
    );
  });

  it('should change nothing when the same facts are added again', () => {
    const world = new InMemoryWorld();
    const leaf = claimsOfLeaf({
      leafIndex: 0,
      id: 'm0',
      kind: 'observation',
      createdAt: new Date(T).toISOString(),
      forgottenAt: null,
      content: { facts: [{ subject: 's', predicate: 'p', object: 1 }] },
    });
    const facts = leaf.kind === 'facts' ? leaf.facts : [];
    world.add(facts);
    const changes = planChanges({
      added: facts,
      removed: [],
      context: world.context(windowsFor(facts)),
    });
    expect(changes).toEqual({ inserts: [], updates: [], deletes: [], delta: NO_COUNTS });
  });
});

describe(claimsOfLeaf.name, () => {
  const leaf = (over: Partial<LeafInput>): LeafInput => ({
    leafIndex: 7,
    id: 'mem',
    kind: 'observation',
    createdAt: '2026-01-01T00:00:00.000Z',
    forgottenAt: null,
    content: { facts: [{ subject: 's', predicate: 'p', object: 'o' }] },
    ...over,
  });

  it('should default validFrom to the memory time and record it as recordedAt', () => {
    const result = claimsOfLeaf(leaf({}));
    expect(result).toMatchObject({
      kind: 'facts',
      facts: [{ id: 'mem:0', object: '"o"', validFrom: T, recordedAt: T, sourceLeaf: 7 }],
    });
  });

  it('should ignore other kinds and forgotten observations', () => {
    expect(claimsOfLeaf(leaf({ kind: 'note' }))).toEqual({ kind: 'none' });
    const forgottenAt = '2026-01-02T00:00:00.000Z';
    expect(claimsOfLeaf(leaf({ content: null, forgottenAt }))).toEqual({ kind: 'none' });
  });

  it('should skip an observation whose content is null without being forgotten', () => {
    expect(claimsOfLeaf(leaf({ content: null }))).toEqual({
      kind: 'skip',
      reason: expect.stringContaining('content'),
    });
  });

  it('should skip a malformed observation with the fields at fault', () => {
    const result = claimsOfLeaf(
      leaf({ content: { facts: [{ subject: 's', predicate: 'p', object: [] }] } }),
    );
    expect(result).toEqual({ kind: 'skip', reason: expect.stringContaining('facts[0].object') });
  });
});
