import { createHash } from 'node:crypto';
import { contentSha256 } from '../leaf';
import { EMPTY_ROOT, RootAccumulator } from '../merkle';
import { Frontier, frontierIds, PendingMemory, planAppend } from './append-plan';

function pending(i: number): PendingMemory {
  const digest = contentSha256({ i });
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: 'note',
    contentType: 'application/json',
    canonical: digest.canonical,
    contentSha256: digest.sha256,
    sizeBytes: digest.sizeBytes,
    tags: ['a', 'b'],
    importance: 0.5,
    strength: 0.5,
    pinned: false,
    createdAt: Date.UTC(2026, 10, 27, 12, 0, 0, i),
    expiresAt: null,
    fadesAt: null,
  };
}

const empty: Frontier = { size: 0, nodes: new Map() };

describe(planAppend.name, () => {
  it('should give consecutive leaf indices and the same root in one batch or many', () => {
    const memories = Array.from({ length: 37 }, (_, i) => pending(i));
    const whole = planAppend(empty, memories);
    let frontier = empty;
    let root = EMPTY_ROOT.toString('hex');
    for (const m of memories) {
      const step = planAppend(frontier, [m]);
      frontier = step.frontier;
      root = step.rootHash;
    }
    expect(whole.appended.map((m) => m.leafIndex)).toEqual(memories.map((_, i) => i));
    expect(whole.rootHash).toBe(root);
    expect(whole.frontier.size).toBe(37);
  });

  it('should match a root computed independently from the leaf hashes', () => {
    const plan = planAppend(
      empty,
      Array.from({ length: 21 }, (_, i) => pending(i)),
    );
    const acc = new RootAccumulator();
    plan.appended.forEach((m) => acc.push(Buffer.from(m.leafHash, 'hex')));
    expect(plan.rootHash).toBe(acc.root().toString('hex'));
  });

  it('should hash the leaf as SHA-256(0x00 ‖ canonical leaf JSON)', () => {
    const m = pending(3);
    const [leaf] = planAppend(empty, [m]).appended;
    const json =
      `{"contentSha256":"${m.contentSha256}","contentType":"application/json",` +
      `"createdAt":"2026-11-27T12:00:00.003Z","id":"${m.id}","kind":"note","tags":["a","b"],"v":1}`;
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(json)]))
      .digest('hex');
    expect(leaf.leafHash).toBe(expected);
  });

  it('should keep only the frontier: one node per 1-bit of the size', () => {
    const plan = planAppend(
      empty,
      Array.from({ length: 13 }, (_, i) => pending(i)),
    );
    expect(plan.frontier.nodes.size).toBe(frontierIds(13).length);
    expect(plan.frontier.nodes.size).toBe(3); // 13 = 8 + 4 + 1
    // Every node that became complete is written: 13 leaves + 6 + 3 + 1 internal nodes.
    expect(plan.nodes).toHaveLength(13 + 6 + 3 + 1);
  });

  it('should fail, not guess, when the frontier is missing a node', () => {
    const plan = planAppend(empty, [pending(0), pending(1), pending(2)]);
    const broken: Frontier = { size: 3, nodes: new Map([...plan.frontier.nodes].slice(1)) };
    expect(() => planAppend(broken, [pending(3)])).toThrow();
  });
});
