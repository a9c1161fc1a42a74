import { parseAxioms } from './parse-axioms';
import type { LoadedAxioms } from './axiom-set';

/**
 * The conservative set the conscience falls back on when the axioms file is missing or invalid
 * at start-up. It forbids the worst, escalates whatever has not declared its impact or is
 * irreversible without an approver, and allows only well-aligned actions. Every decision made
 * on it is marked degraded.
 */
export const BUILTIN_AXIOMS_DOCUMENT = {
  version: 'builtin-fallback-1',
  description: 'Built-in conservative fallback, used while no valid axioms file is loaded.',
  thresholds: { allow: 0.75, maxSpread: 0.5 },
  perspectiveWeights: { deontic: 0.5, consequential: 0.35, precedent: 0.15 },
  precedent: { window: 20, priorWeight: 2 },
  mask: [],
  axioms: [
    {
      id: 'fallback-no-irreversible-harm',
      title: 'No irreversible harm of any note',
      perspective: 'deontic',
      effect: 'forbid',
      when: {
        and: [
          { '===': [{ var: 'action.reversible' }, false] },
          { '>=': [{ var: ['action.impact.harm', 0] }, 0.5] },
        ],
      },
      rationale: 'Without the operator’s axioms, irreversible harm is never worth the risk.',
    },
    {
      id: 'fallback-no-disabling-oversight',
      title: 'Never disable oversight or logging',
      perspective: 'deontic',
      effect: 'forbid',
      when: {
        or: [
          { '===': [{ var: 'action.disablesOversight' }, true] },
          {
            in: [
              { var: 'action.type' },
              [
                'disable-oversight',
                'disable-logging',
                'disable-audit-log',
                'delete-audit-log',
                'disable-monitoring',
              ],
            ],
          },
        ],
      },
      rationale: 'Oversight is what lets people correct the system; it must stay on.',
    },
    {
      id: 'fallback-no-deception',
      title: 'Never deceive',
      perspective: 'deontic',
      effect: 'forbid',
      when: { '===': [{ var: 'action.deceptive' }, true] },
      rationale: 'A deceptive action cannot be consented to.',
    },
    {
      id: 'fallback-declared-impact',
      title: 'Declare the impact',
      perspective: 'deontic',
      effect: 'require',
      weight: 0.5,
      when: true,
      requires: { '!!': [{ var: 'action.impact' }] },
      rationale: 'In fallback mode an action whose impact is unknown goes to a human.',
    },
    {
      id: 'fallback-approval-unless-reversible',
      title: 'An approver for anything not known to be reversible',
      perspective: 'deontic',
      effect: 'require',
      weight: 0.5,
      when: { '!==': [{ var: 'action.reversible' }, true] },
      requires: { '!!': [{ var: 'context.approvedBy' }] },
      rationale: 'Without the operator’s axioms, only reversible actions proceed unattended.',
    },
  ],
};

/** The fallback set, validated by the same parser as a file (a test keeps it valid). */
export function builtinAxioms(now: Date = new Date()): LoadedAxioms {
  const parsed = parseAxioms(BUILTIN_AXIOMS_DOCUMENT);
  if (!parsed.ok) {
    throw new Error(`the built-in axioms are invalid: ${JSON.stringify(parsed.errors)}`);
  }
  return {
    set: parsed.set,
    digest: parsed.digest,
    source: 'builtin-fallback',
    path: null,
    loadedAt: now.toISOString(),
  };
}
