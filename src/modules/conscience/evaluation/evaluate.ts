import type { Axiom, LoadedAxioms, Perspective } from '../axioms/axiom-set';
import { PERSPECTIVES } from '../axioms/axiom-set';
import { holds } from '../axioms/json-logic';
import {
  consequentialBase,
  countVerdicts,
  perspectiveScore,
  precedentBase,
  round4,
} from './perspectives';
import type { Assessment, AxiomOutcome, EvaluationInput, PrecedentHistory, Verdict } from './types';

/**
 * The TriuneConscience's judgement, as a pure function of the axioms, the request and the
 * precedent read from the log (docs/conscience.md, "Evaluation"):
 *  1. every axiom's `when` (and a require's `requires`) runs over {action, context, precedent};
 *  2. each perspective scores base + Σ contributions, clamped to [0, 1] (a fired forbid: 0);
 *  3. alignment is the weighted mean of the three scores;
 *  4. deny if a forbid fired; escalate if a require is unmet, an axiom could not be evaluated,
 *     alignment is under the allow threshold or the spread exceeds maxSpread; else allow.
 */
export function assess(
  axioms: LoadedAxioms,
  input: EvaluationInput,
  history: PrecedentHistory,
): Assessment {
  const { set } = axioms;
  const counts = countVerdicts(history.verdicts);
  const data = {
    action: input.action,
    context: input.context,
    precedent: { ...counts },
  };
  const outcomes: Record<Perspective, AxiomOutcome[]> = {
    deontic: [],
    consequential: [],
    precedent: [],
  };
  for (const axiom of set.axioms) {
    const outcome = applyAxiom(axiom, data);
    if (outcome) {
      outcomes[axiom.perspective].push(outcome);
    }
  }

  const consequential = consequentialBase(input.action);
  const bases: Record<Perspective, number> = {
    deontic: 1,
    consequential: consequential.base,
    precedent: precedentBase(counts, set.precedent.priorWeight),
  };
  const scores = Object.fromEntries(
    PERSPECTIVES.map((p) => [p, perspectiveScore(bases[p], outcomes[p])]),
  ) as Record<Perspective, number>;
  const weights = set.perspectiveWeights;
  const totalWeight = PERSPECTIVES.reduce((sum, p) => sum + weights[p], 0);
  const alignment = round4(
    PERSPECTIVES.reduce((sum, p) => sum + weights[p] * scores[p], 0) / totalWeight,
  );
  const weighed = PERSPECTIVES.filter((p) => weights[p] > 0).map((p) => scores[p]);
  const spread = round4(Math.max(...weighed) - Math.min(...weighed));

  const all = PERSPECTIVES.flatMap((p) => outcomes[p]);
  const forbids = all.filter((o) => o.effect === 'forbid' && o.outcome === 'fired');
  const escalations = [
    ...all
      .filter((o) => o.outcome === 'unmet')
      .map((o) => `required by ${o.id} and not met: ${o.title}`),
    ...all
      .filter((o) => o.outcome === 'error')
      .map((o) => `axiom ${o.id} could not be evaluated: ${o.error ?? 'unknown error'}`),
    ...(alignment < set.thresholds.allow
      ? [`alignment ${alignment} is below the allow threshold ${set.thresholds.allow}`]
      : []),
    ...(spread > set.thresholds.maxSpread
      ? [`the perspectives disagree: spread ${spread} exceeds ${set.thresholds.maxSpread}`]
      : []),
  ];
  const verdict: Verdict =
    forbids.length > 0 ? 'deny' : escalations.length > 0 ? 'escalate' : 'allow';
  const reasons =
    verdict === 'allow'
      ? [
          `alignment ${alignment} meets the allow threshold ${set.thresholds.allow}, ` +
            `no forbid fired, every applicable require is met and the spread ${spread} is within ${set.thresholds.maxSpread}`,
        ]
      : [...forbids.map((o) => `forbidden by ${o.id}: ${o.title}`), ...escalations];

  return {
    verdict,
    enforced: input.mode === 'enforce',
    mode: input.mode,
    alignment,
    spread,
    reasons,
    perspectives: {
      deontic: perspective('deontic'),
      consequential: { ...perspective('consequential'), factors: consequential.factors },
      precedent: {
        ...perspective('precedent'),
        history: {
          subject: history.subject,
          asOfTreeSize: history.asOfTreeSize,
          window: set.precedent.window,
          ...counts,
        },
      },
    },
    thresholds: { allow: set.thresholds.allow, maxSpread: set.thresholds.maxSpread },
    axiomsVersion: set.version,
    axiomsDigest: axioms.digest,
    degraded: axioms.source === 'builtin-fallback',
  };

  function perspective(p: Perspective) {
    return { score: scores[p], weight: weights[p], base: bases[p], axioms: outcomes[p] };
  }
}

/** The axiom's effect on its perspective, or null when it does not apply (or a require is met). */
function applyAxiom(axiom: Axiom, data: object): AxiomOutcome | null {
  const entry = {
    id: axiom.id,
    title: axiom.title,
    effect: axiom.effect,
    weight: axiom.weight,
    rationale: axiom.rationale,
  };
  let applies: boolean;
  let met = true;
  try {
    applies = holds(axiom.when, data);
    if (applies && axiom.effect === 'require' && axiom.requires !== undefined) {
      met = holds(axiom.requires, data);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...entry, outcome: 'error', contribution: 0, error: message };
  }
  if (!applies) {
    return null;
  }
  switch (axiom.effect) {
    case 'forbid':
      return { ...entry, outcome: 'fired', contribution: -axiom.weight };
    case 'require':
      return met ? null : { ...entry, outcome: 'unmet', contribution: -axiom.weight };
    case 'weigh':
      return { ...entry, outcome: 'fired', contribution: axiom.weight };
  }
}
