import { alignmentOfTags, verdictOfTags } from './decision-tags';
import { round4 } from './perspectives';
import type { Verdict } from './types';

export interface AlignmentStatistics {
  count: number;
  /** Mean alignment, or null without decisions. */
  mean: number | null;
  /** 10th percentile (nearest rank), or null without decisions. */
  p10: number | null;
  min: number | null;
  verdicts: Record<Verdict, number>;
}

/** Statistics over decisions, read from their tags (see decision-tags.ts). */
export function alignmentStatistics(
  decisions: ReadonlyArray<{ tags: readonly string[] }>,
): AlignmentStatistics {
  const verdicts: Record<Verdict, number> = { allow: 0, deny: 0, escalate: 0 };
  const alignments: number[] = [];
  for (const { tags } of decisions) {
    const verdict = verdictOfTags(tags);
    const alignment = alignmentOfTags(tags);
    if (verdict === null || alignment === null) {
      continue; // not a decision this version wrote
    }
    verdicts[verdict] += 1;
    alignments.push(alignment);
  }
  alignments.sort((a, b) => a - b);
  const count = alignments.length;
  return {
    count,
    mean: count === 0 ? null : round4(alignments.reduce((s, a) => s + a, 0) / count),
    p10: count === 0 ? null : alignments[Math.ceil(0.1 * count) - 1],
    min: count === 0 ? null : alignments[0],
    verdicts,
  };
}
