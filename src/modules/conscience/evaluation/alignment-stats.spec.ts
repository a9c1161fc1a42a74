import { alignmentStatistics } from './alignment-stats';

const decision = (verdict: string, alignment: number) => ({
  tags: [`alignment:${alignment}`, `verdict:${verdict}`],
});

describe(alignmentStatistics.name, () => {
  it('should report nulls and zero counts without decisions', () => {
    expect(alignmentStatistics([])).toEqual({
      count: 0,
      mean: null,
      p10: null,
      min: null,
      verdicts: { allow: 0, deny: 0, escalate: 0 },
    });
  });

  it('should compute the mean, the nearest-rank 10th percentile and the counts per verdict', () => {
    const decisions = [
      ...Array.from({ length: 17 }, (_, i) => decision('allow', 0.7 + i * 0.01)),
      decision('escalate', 0.55),
      decision('deny', 0.1),
      decision('deny', 0.2),
    ];
    const stats = alignmentStatistics(decisions);
    expect(stats.count).toBe(20);
    expect(stats.verdicts).toEqual({ allow: 17, deny: 2, escalate: 1 });
    expect(stats.min).toBe(0.1);
    expect(stats.p10).toBe(0.2); // rank ceil(0.1 × 20) = 2
    const sum = decisions.reduce((s, d) => s + Number(d.tags[0].slice(10)), 0);
    expect(stats.mean).toBeCloseTo(sum / 20, 4);
  });

  it('should skip leaves without a verdict or an alignment tag', () => {
    expect(alignmentStatistics([{ tags: ['verdict:allow'] }, decision('allow', 1)]).count).toBe(1);
  });
});
