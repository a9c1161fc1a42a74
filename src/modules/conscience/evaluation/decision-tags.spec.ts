import fc from 'fast-check';
import { TAG_PATTERN } from '../../memory/dto/store-memory.dto';
import {
  actionTag,
  alignmentOfTags,
  decisionTags,
  subjectOf,
  verdictOfTags,
} from './decision-tags';

describe(decisionTags.name, () => {
  const assessment = {
    verdict: 'deny',
    alignment: 0.4125,
    degraded: true,
  } as const;

  it('should index the verdict, alignment, action type, subject and target, sorted', () => {
    const action = { type: 'send-email', target: 'customer:1' };
    const tags = decisionTags(action, subjectOf(action), assessment);
    expect(tags).toEqual([...tags].sort());
    expect(tags).toEqual(
      expect.arrayContaining([
        'verdict:deny',
        'alignment:0.4125',
        'action:send-email',
        `subject:${subjectOf(action)}`,
        'degraded',
      ]),
    );
    expect(tags.find((t) => t.startsWith('target:'))).toMatch(/^target:[0-9a-f]{32}$/);
    expect(tags.join(' ')).not.toContain('customer');
  });

  it('should always produce valid memory tags, at most 32', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 256 }),
        fc.option(fc.oneof(fc.string(), fc.dictionary(fc.string(), fc.integer())), {
          nil: undefined,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (type, target, alignment) => {
          const action = { type, target };
          const rounded = Math.round(alignment * 10_000) / 10_000;
          const tags = decisionTags(action, subjectOf(action), {
            ...assessment,
            alignment: rounded,
          });
          expect(tags.length).toBeLessThanOrEqual(32);
          tags.forEach((tag) => expect(tag).toMatch(TAG_PATTERN));
          expect(alignmentOfTags(tags)).toBe(rounded);
          expect(verdictOfTags(tags)).toBe('deny');
        },
      ),
    );
  });

  it('should hash action types that do not fit a tag', () => {
    expect(actionTag('deploy')).toBe('action:deploy');
    expect(actionTag('Deploy')).toMatch(/^action-h:[0-9a-f]{32}$/);
    expect(actionTag('Deploy')).not.toBe(actionTag('deploy '));
    expect(actionTag('x'.repeat(57))).toBe(`action:${'x'.repeat(57)}`);
    expect(actionTag('x'.repeat(58))).toMatch(/^action-h:/);
  });
});

describe(subjectOf.name, () => {
  it('should depend on the type and the target only, and not on key order', () => {
    const a = subjectOf({ type: 't', target: { id: 1, kind: 'k' } });
    expect(subjectOf({ type: 't', target: { kind: 'k', id: 1 } })).toBe(a);
    expect(subjectOf({ type: 't', target: { kind: 'k', id: 2 } })).not.toBe(a);
    expect(subjectOf({ type: 'u', target: { kind: 'k', id: 1 } })).not.toBe(a);
    expect(subjectOf({ type: 't' })).not.toBe(subjectOf({ type: 't', target: '' }));
  });
});

describe(verdictOfTags.name, () => {
  it('should read the verdict tag and ignore others', () => {
    expect(verdictOfTags(['action:x', 'verdict:escalate'])).toBe('escalate');
    expect(verdictOfTags(['verdict:maybe'])).toBeNull();
    expect(alignmentOfTags(['alignment:abc'])).toBeNull();
  });
});
