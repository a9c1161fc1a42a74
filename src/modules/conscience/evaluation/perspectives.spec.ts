import { consequentialBase, countVerdicts, perspectiveScore, precedentBase } from './perspectives';
import type { AxiomOutcome } from './types';

const outcome = (effect: AxiomOutcome['effect'], contribution: number): AxiomOutcome => ({
  id: `${effect}-${contribution}`,
  title: 't',
  effect,
  outcome: effect === 'require' ? 'unmet' : 'fired',
  weight: Math.abs(contribution),
  contribution,
  rationale: 'r',
});

describe(consequentialBase.name, () => {
  it('should start an action that declares nothing at 0.5', () => {
    expect(consequentialBase({ type: 'x' })).toEqual({
      base: 0.5,
      factors: { harm: 0, benefit: 0, scope: 0.25, reversible: null, severity: 0 },
    });
  });

  it('should weigh harm by scope and reversibility, and add half the benefit', () => {
    // severity = 0.5 × (0.5 + 0.5 × 1) × 1 = 0.5; base = 0.5 + 0.5 × 0.4 − 0.5 = 0.2
    expect(
      consequentialBase({
        type: 'x',
        reversible: false,
        impact: { harm: 0.5, benefit: 0.4, scope: 'public' },
      }).base,
    ).toBe(0.2);
    // severity = 0.5 × 0.5 × 0.6 = 0.15; base = 0.5 + 0.2 − 0.15 = 0.55
    expect(
      consequentialBase({
        type: 'x',
        reversible: true,
        impact: { harm: 0.5, benefit: 0.4, scope: 0 },
      }).base,
    ).toBe(0.55);
  });

  it('should rank the same harm worse when irreversible than unknown than reversible', () => {
    const base = (reversible?: boolean) =>
      consequentialBase({ type: 'x', reversible, impact: { harm: 0.6, scope: 'group' } }).base;
    expect(base(false)).toBeLessThan(base(undefined));
    expect(base(undefined)).toBeLessThan(base(true));
  });

  it('should clamp to [0, 1]', () => {
    expect(consequentialBase({ type: 'x', impact: { benefit: 1 } }).base).toBe(1);
    expect(
      consequentialBase({ type: 'x', reversible: false, impact: { harm: 1, scope: 'public' } })
        .base,
    ).toBe(0);
  });
});

describe(precedentBase.name, () => {
  it('should be neutral without history', () => {
    expect(precedentBase(countVerdicts([]), 2)).toBe(0.5);
    expect(precedentBase(countVerdicts([]), 0)).toBe(0.5);
  });

  it('should count a prior deny against and consistent allows for', () => {
    expect(precedentBase(countVerdicts(['deny']), 2)).toBe(0.3333);
    expect(precedentBase(countVerdicts(['deny', 'deny', 'deny']), 2)).toBe(0.2);
    expect(precedentBase(countVerdicts(['allow', 'allow', 'allow']), 2)).toBe(0.8);
    expect(precedentBase(countVerdicts(['escalate', 'escalate']), 2)).toBe(0.5);
    expect(precedentBase(countVerdicts(['allow', 'deny']), 0)).toBe(0.5);
  });
});

describe(perspectiveScore.name, () => {
  it('should add the contributions to the base and clamp', () => {
    expect(perspectiveScore(0.5, [outcome('weigh', 0.2), outcome('weigh', -0.1)])).toBe(0.6);
    expect(perspectiveScore(1, [outcome('weigh', 0.3)])).toBe(1);
    expect(perspectiveScore(0.2, [outcome('require', -0.5)])).toBe(0);
  });

  it('should veto to 0 when a forbid fired, whatever its weight', () => {
    expect(perspectiveScore(1, [outcome('forbid', -0.01), outcome('weigh', 0.5)])).toBe(0);
  });
});
