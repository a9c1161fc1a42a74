import { ComponentUnavailableError } from '../../common/errors/domain-error';
import type { ComponentBoundary } from '../../kernel';
import type { LeafTags, MemoryService } from '../memory/memory.service';
import type { AxiomsService } from './axioms.service';
import { builtinAxioms } from './axioms/builtin-axioms';
import { ConscienceService, MAX_STATS_DECISIONS } from './conscience.service';
import { subjectOf } from './evaluation/decision-tags';

/** An in-memory stand-in for the memory log: leaves in order, with their tags. */
class FakeLog {
  leaves: Array<LeafTags & { kind: string; content: unknown }> = [];
  available = true;

  add(kind: string, tags: string[], createdAt: number, content: unknown = null) {
    const leafIndex = this.leaves.length;
    const leaf = {
      id: `00000000-0000-4000-8000-${String(leafIndex).padStart(12, '0')}`,
      leafIndex,
      kind,
      tags: [...tags].sort(),
      createdAt: new Date(createdAt).toISOString(),
      content,
    };
    this.leaves.push(leaf);
    return leaf;
  }

  readonly service = {
    leafTags: jest.fn((q: { kind: string; beforeLeafIndex?: number; limit: number }) =>
      Promise.resolve(
        this.leaves
          .filter((l) => l.kind === q.kind && l.leafIndex < (q.beforeLeafIndex ?? Infinity))
          .reverse()
          .slice(0, q.limit)
          .map(({ id, leafIndex, createdAt, tags }) => ({ id, leafIndex, createdAt, tags })),
      ),
    ),
    latestTagged: jest.fn((kind: string, tag: string, limit: number) =>
      Promise.resolve({
        treeSize: this.leaves.length,
        tags: this.leaves
          .filter((l) => l.kind === kind && l.tags.includes(tag))
          .reverse()
          .slice(0, limit)
          .map((l) => l.tags),
      }),
    ),
    store: jest.fn((dto: { content: unknown; kind: string; tags: string[] }) =>
      Promise.resolve(this.add(dto.kind, dto.tags, Date.now(), dto.content)),
    ),
  };
}

describe(ConscienceService.name, () => {
  let log: FakeLog;
  let service: ConscienceService;

  beforeEach(() => {
    log = new FakeLog();
    const axioms = { current: () => builtinAxioms() } as unknown as AxiomsService;
    const boundary = {
      call: <T>(_name: string, fn: () => Promise<T>) =>
        log.available
          ? fn()
          : Promise.reject(new ComponentUnavailableError('memory', 'it is stopped')),
    } as unknown as ComponentBoundary;
    service = new ConscienceService(axioms, log.service as unknown as MemoryService, boundary);
  });

  describe('evaluate', () => {
    const action = { type: 'deploy', target: 'api', reversible: true, impact: { harm: 0.1 } };

    it('should log the decision with its tags and answer with its place in the log', async () => {
      log.add('note', [], Date.now());
      const result = await service.evaluate({ action, context: {}, mode: 'enforce' });
      expect(result).toMatchObject({ memoryId: result.id, leafIndex: 1, degraded: true });
      const [stored] = log.service.store.mock.calls[0];
      expect(stored.kind).toBe('decision');
      expect(stored.tags).toContain(`subject:${subjectOf(action)}`);
      expect(stored.content).toMatchObject({
        v: 1,
        input: { action, context: {}, mode: 'enforce' },
        result: { verdict: result.verdict, durationMs: result.durationMs },
        axiomsVersion: 'builtin-fallback-1',
      });
    });

    it('should read the precedent below the tree size it saw, from the subject tag', async () => {
      log.add('decision', ['verdict:deny', `subject:${subjectOf(action)}`], Date.now());
      log.add(
        'decision',
        ['verdict:allow', `subject:${subjectOf({ type: 'deploy' })}`],
        Date.now(),
      );
      const result = await service.evaluate({ action, context: {}, mode: 'enforce' });
      expect(result.perspectives.precedent.history).toMatchObject({
        asOfTreeSize: 2,
        considered: 1,
        deny: 1,
      });
      expect(log.service.latestTagged).toHaveBeenCalledWith(
        'decision',
        `subject:${subjectOf(action)}`,
        20,
      );
    });

    it('should fail with 503 and store nothing while memory is unavailable', async () => {
      log.available = false;
      await expect(
        service.evaluate({ action, context: {}, mode: 'enforce' }),
      ).rejects.toBeInstanceOf(ComponentUnavailableError);
      expect(log.service.store).not.toHaveBeenCalled();
    });
  });

  describe('alignment', () => {
    const decision = (verdict: string, alignment: number, at: number) =>
      log.add('decision', [`verdict:${verdict}`, `alignment:${alignment}`], at);

    it('should read back page by page and stop once past the window', async () => {
      const now = Date.now();
      for (let i = 0; i < 500; i += 1) {
        decision('deny', 0.1, now - 3 * 3_600_000); // outside a 1h window
      }
      for (let i = 0; i < 2500; i += 1) {
        decision(i % 2 === 0 ? 'allow' : 'escalate', i % 2 === 0 ? 0.8 : 0.5, now - 60_000);
        log.add('note', [], now);
      }
      const stats = await service.alignment({ window: '1h' });
      expect(stats).toMatchObject({
        window: '1h',
        count: 2500,
        mean: 0.65,
        p10: 0.5,
        verdicts: { allow: 1250, escalate: 1250, deny: 0 },
        truncated: false,
      });
      // 2500 decisions in the window, pages of 1000: three pages and one past the window at most.
      expect(log.service.leafTags.mock.calls.length).toBeLessThanOrEqual(4);
    });

    it('should not need the memory component, only its committed rows', async () => {
      decision('deny', 0.1, Date.now());
      log.available = false;
      await expect(service.alignment({})).resolves.toMatchObject({ window: '24h', count: 1 });
    });

    it('should say when the window holds more decisions than one read takes', async () => {
      const now = Date.now();
      for (let i = 0; i < MAX_STATS_DECISIONS + 1; i += 1) {
        decision('allow', 0.9, now - 1000);
      }
      const stats = await service.alignment({ window: '1h' });
      expect(stats).toMatchObject({ count: MAX_STATS_DECISIONS, truncated: true });
    });

    it('should refuse a window over 366 days', async () => {
      await expect(service.alignment({ window: '367d' })).rejects.toMatchObject({
        status: 400,
        fieldErrors: { window: ['must be at most 366d'] },
      });
    });
  });
});
