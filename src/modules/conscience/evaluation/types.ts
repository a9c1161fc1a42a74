import type { Effect } from '../axioms/axiom-set';

export const VERDICTS = ['allow', 'deny', 'escalate'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const MODES = ['enforce', 'monitor'] as const;
export type Mode = (typeof MODES)[number];

/** Named scopes of an action's impact and the number each stands for. */
export const SCOPES = { self: 0, individual: 0.25, group: 0.5, organization: 0.75, public: 1 };
export type ScopeName = keyof typeof SCOPES;

export interface ActionImpact {
  harm?: number;
  benefit?: number;
  scope?: ScopeName | number;
}

/** A proposed action: `type` and the known fields below; any other field is kept as given. */
export interface ActionInput {
  type: string;
  description?: string;
  target?: string | Record<string, unknown>;
  reversible?: boolean;
  impact?: ActionImpact;
  [field: string]: unknown;
}

/** A validated evaluation request. */
export interface EvaluationInput {
  action: ActionInput;
  context: Record<string, unknown>;
  mode: Mode;
}

/** Earlier decisions on the same subject (action type and target), read from the log. */
export interface PrecedentHistory {
  /** Hex digest of the action type and target (the `subject:` tag). */
  subject: string;
  /** Only leaves below this index were considered: the log size when the evaluation began. */
  asOfTreeSize: number;
  /** Verdicts of the latest decisions on the subject, newest first, at most the window. */
  verdicts: Verdict[];
}

/** An axiom that affected a perspective's score. */
export interface AxiomOutcome {
  id: string;
  title: string;
  effect: Effect;
  /** fired: a forbid or weigh applied; unmet: a require applied and did not hold; error: its rule threw. */
  outcome: 'fired' | 'unmet' | 'error';
  weight: number;
  /** Added to the perspective's raw score (weigh: +weight; forbid and unmet require: −weight). */
  contribution: number;
  rationale: string;
  error?: string;
}

export interface PerspectiveResult {
  score: number;
  weight: number;
  /** The score before axioms: 1 (deontic), from the impact (consequential), from history (precedent). */
  base: number;
  axioms: AxiomOutcome[];
}

export interface ConsequentialResult extends PerspectiveResult {
  factors: {
    harm: number;
    benefit: number;
    scope: number;
    reversible: boolean | null;
    severity: number;
  };
}

export interface PrecedentResult extends PerspectiveResult {
  history: {
    subject: string;
    asOfTreeSize: number;
    window: number;
    considered: number;
    allow: number;
    deny: number;
    escalate: number;
  };
}

/** What the pure evaluation decides, before it is timed and logged. */
export interface Assessment {
  verdict: Verdict;
  enforced: boolean;
  mode: Mode;
  alignment: number;
  /** Largest difference between the scores of perspectives with a weight above 0. */
  spread: number;
  reasons: string[];
  perspectives: {
    deontic: PerspectiveResult;
    consequential: ConsequentialResult;
    precedent: PrecedentResult;
  };
  thresholds: { allow: number; maxSpread: number };
  axiomsVersion: string;
  axiomsDigest: string;
  degraded: boolean;
}

/** The full result, as logged in the decision's content. */
export interface EvaluationResult extends Assessment {
  evaluatedAt: string;
  /** Time spent evaluating, up to the log append (excluded). */
  durationMs: number;
}

/** The content of a `decision` memory. */
export interface DecisionContent {
  v: 1;
  /** The request as given, with the axioms' mask applied. */
  input: { action: Record<string, unknown>; context: Record<string, unknown>; mode: Mode };
  result: EvaluationResult;
  axiomsVersion: string;
}
