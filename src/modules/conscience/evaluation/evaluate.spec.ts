import fc from 'fast-check';
import type { LoadedAxioms } from '../axioms/axiom-set';
import { builtinAxioms } from '../axioms/builtin-axioms';
import { parseAxioms } from '../axioms/parse-axioms';
import { assess } from './evaluate';
import type { EvaluationInput, PrecedentHistory, Verdict } from './types';

type RawAxiom = Record<string, unknown>;

function axiomsOf(axioms: RawAxiom[], overrides: Record<string, unknown> = {}): LoadedAxioms {
  const result = parseAxioms({
    version: 'test-1',
    thresholds: { allow: 0.6, maxSpread: 0.6 },
    perspectiveWeights: { deontic: 0.4, consequential: 0.4, precedent: 0.2 },
    axioms: axioms.map((a, i) => ({
      id: `a${i}`,
      title: `axiom ${i}`,
      perspective: 'deontic',
      rationale: 'test',
      ...a,
    })),
    ...overrides,
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.errors));
  }
  return { set: result.set, digest: result.digest, source: 'file', path: null, loadedAt: '' };
}

const input = (action: Record<string, unknown>, context = {}): EvaluationInput => ({
  action: { type: 'test', ...action },
  context,
  mode: 'enforce',
});
const history = (verdicts: Verdict[] = []): PrecedentHistory => ({
  subject: 's',
  asOfTreeSize: verdicts.length,
  verdicts,
});
const never = { effect: 'weigh', weight: 0, when: false };
const flag = (name: string) => ({ '===': [{ var: name }, true] });

describe(assess.name, () => {
  describe('deontic perspective', () => {
    const axioms = axiomsOf([
      { id: 'no-lies', effect: 'forbid', when: flag('action.deceptive') },
      {
        id: 'consent',
        effect: 'require',
        weight: 0.3,
        when: flag('action.personalData'),
        requires: flag('context.consent'),
      },
      { id: 'care', effect: 'weigh', weight: -0.1, when: flag('action.risky') },
    ]);

    it('should deny when a forbid fires, with its id in the reasons and the score at 0', () => {
      const result = assess(axioms, input({ deceptive: true }), history());
      expect(result.verdict).toBe('deny');
      expect(result.perspectives.deontic.score).toBe(0);
      expect(result.perspectives.deontic.axioms).toMatchObject([
        { id: 'no-lies', effect: 'forbid', outcome: 'fired', contribution: -1 },
      ]);
      expect(result.reasons[0]).toBe('forbidden by no-lies: axiom 0');
    });

    it('should escalate on an unmet require and say nothing of a met one', () => {
      const unmet = assess(axioms, input({ personalData: true }), history());
      expect(unmet.verdict).toBe('escalate');
      expect(unmet.perspectives.deontic).toMatchObject({
        base: 1,
        score: 0.7,
        axioms: [{ id: 'consent', outcome: 'unmet', contribution: -0.3 }],
      });
      expect(unmet.reasons).toContain('required by consent and not met: axiom 1');
      const met = assess(axioms, input({ personalData: true }, { consent: true }), history());
      expect(met.perspectives.deontic).toMatchObject({ score: 1, axioms: [] });
      expect(met.verdict).toBe('allow');
    });

    it('should apply weigh axioms to their own perspective only', () => {
      const result = assess(axioms, input({ risky: true }), history());
      expect(result.perspectives.deontic.score).toBe(0.9);
      expect(result.perspectives.consequential.axioms).toEqual([]);
    });
  });

  describe('consequential perspective', () => {
    const axioms = axiomsOf([
      {
        perspective: 'consequential',
        effect: 'weigh',
        weight: 0.1,
        when: flag('action.reversible'),
      },
    ]);

    it('should start from the impact and add its weigh axioms', () => {
      const result = assess(
        axioms,
        input({ reversible: true, impact: { harm: 0.5, benefit: 0.4, scope: 0 } }),
        history(),
      );
      expect(result.perspectives.consequential).toMatchObject({
        base: 0.55,
        score: 0.65,
        factors: { harm: 0.5, benefit: 0.4, scope: 0, reversible: true, severity: 0.15 },
      });
    });

    it('should escalate a duty-clean action whose consequences are poor (spread)', () => {
      const result = assess(
        axioms,
        input({ reversible: false, impact: { harm: 0.9, scope: 'public' } }),
        history(),
      );
      expect(result.perspectives.consequential.score).toBe(0);
      expect(result.verdict).toBe('escalate');
    });
  });

  describe('precedent perspective', () => {
    const axioms = axiomsOf([
      {
        perspective: 'precedent',
        effect: 'weigh',
        weight: -0.2,
        when: { '>=': [{ var: 'precedent.deny' }, 2] },
      },
    ]);

    it('should be neutral without history and report where it read up to', () => {
      const result = assess(axioms, input({}), { subject: 'abc', asOfTreeSize: 7, verdicts: [] });
      expect(result.perspectives.precedent).toMatchObject({
        base: 0.5,
        score: 0.5,
        history: { subject: 'abc', asOfTreeSize: 7, window: 20, considered: 0 },
      });
    });

    it('should count prior denies against and consistent allows for', () => {
      const denied = assess(axioms, input({}), history(['deny', 'deny']));
      const allowed = assess(axioms, input({}), history(['allow', 'allow', 'allow']));
      expect(denied.perspectives.precedent.score).toBe(0.05); // 0.25 − 0.2 (repeated denials)
      expect(allowed.perspectives.precedent.score).toBe(0.8);
      expect(denied.alignment).toBeLessThan(allowed.alignment);
    });

    it('should let a prior deny turn a later allow into an escalation', () => {
      const action = input({ impact: { harm: 0, benefit: 0.6 } });
      expect(assess(axioms, action, history()).verdict).toBe('allow');
      expect(assess(axioms, action, history(['deny'])).verdict).toBe('escalate');
    });

    it('should give the same result for the same history (deterministic)', () => {
      const h = history(['allow', 'deny', 'escalate']);
      expect(assess(axioms, input({}), h)).toEqual(assess(axioms, input({}), h));
    });
  });

  describe('aggregation and thresholds', () => {
    it('should take the weighted mean of the perspectives as alignment', () => {
      const result = assess(axiomsOf([never]), input({ impact: { benefit: 0.4 } }), history());
      // 0.4 × 1 + 0.4 × 0.7 + 0.2 × 0.5 = 0.78
      expect(result.alignment).toBe(0.78);
      expect(result.spread).toBe(0.5);
    });

    it('should escalate below the allow threshold and allow at it', () => {
      const at = axiomsOf([never], { thresholds: { allow: 0.78, maxSpread: 1 } });
      const above = axiomsOf([never], { thresholds: { allow: 0.7801, maxSpread: 1 } });
      const action = input({ impact: { benefit: 0.4 } });
      expect(assess(at, action, history()).verdict).toBe('allow');
      const below = assess(above, action, history());
      expect(below.verdict).toBe('escalate');
      expect(below.reasons).toEqual(['alignment 0.78 is below the allow threshold 0.7801']);
    });

    it('should escalate when the perspectives disagree by more than maxSpread', () => {
      const strict = axiomsOf([never], { thresholds: { allow: 0, maxSpread: 0.49 } });
      const result = assess(strict, input({ impact: { benefit: 0.4 } }), history());
      expect(result.verdict).toBe('escalate');
      expect(result.reasons).toEqual(['the perspectives disagree: spread 0.5 exceeds 0.49']);
    });

    it('should leave a perspective with weight 0 out of the alignment and the spread', () => {
      const noPrecedent = axiomsOf([never], {
        perspectiveWeights: { deontic: 0.5, consequential: 0.5, precedent: 0 },
      });
      const result = assess(noPrecedent, input({ impact: { benefit: 1 } }), history(['deny']));
      expect(result).toMatchObject({ alignment: 1, spread: 0, verdict: 'allow' });
    });

    it('should escalate when an axiom cannot be evaluated on the data given', () => {
      const axioms = axiomsOf([
        { effect: 'forbid', when: { in: ['secret', { var: 'action.labels' }] } },
      ]);
      // JSONLogic's `in` calls labels.indexOf, which this object has but not as a function.
      const result = assess(axioms, input({ labels: { indexOf: 1 } }), history());
      expect(result.verdict).toBe('escalate');
      expect(result.perspectives.deontic.axioms).toMatchObject([
        { id: 'a0', outcome: 'error', contribution: 0, error: expect.stringContaining('indexOf') },
      ]);
      expect(result.reasons[0]).toMatch(/^axiom a0 could not be evaluated: /);
    });

    it('should return the verdict in monitor mode without enforcing it', () => {
      const axioms = axiomsOf([{ effect: 'forbid', when: true }]);
      const result = assess(axioms, { ...input({}), mode: 'monitor' }, history());
      expect(result).toMatchObject({ verdict: 'deny', enforced: false, mode: 'monitor' });
    });

    it('should mark decisions on the built-in fallback as degraded', () => {
      const result = assess(builtinAxioms(), input({}), history());
      expect(result).toMatchObject({ degraded: true, axiomsVersion: 'builtin-fallback-1' });
      expect(result.verdict).toBe('escalate'); // impact undeclared, no approver
    });
  });

  it('should keep every score in [0, 1] and deny exactly when a forbid fires', () => {
    const axioms = axiomsOf([
      { effect: 'forbid', when: flag('action.bad') },
      { effect: 'require', weight: 0.4, when: flag('action.duty'), requires: flag('context.ok') },
      { perspective: 'consequential', effect: 'weigh', weight: -0.7, when: flag('action.x') },
      { perspective: 'precedent', effect: 'weigh', weight: 0.9, when: flag('action.y') },
    ]);
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          bad: fc.boolean(),
          duty: fc.boolean(),
          x: fc.boolean(),
          y: fc.boolean(),
          reversible: fc.option(fc.boolean(), { nil: undefined }),
          impact: fc.record({ harm: unit, benefit: unit, scope: unit }),
        }),
        fc.boolean(),
        fc.array(fc.constantFrom<Verdict>('allow', 'deny', 'escalate'), { maxLength: 20 }),
        (action, ok, verdicts) => {
          const result = assess(axioms, input(action, { ok }), history(verdicts));
          const scores = Object.values(result.perspectives).map((p) => p.score);
          [...scores, result.alignment, result.spread].forEach((s) => {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
          });
          expect(result.verdict === 'deny').toBe(action.bad);
          if (!action.bad && action.duty && !ok) {
            expect(result.verdict).toBe('escalate');
          }
        },
      ),
    );
  });
});
