import type { RulesLogic } from 'json-logic-js';

/**
 * The axioms file, as the conscience holds it once validated (see docs/conscience.md and
 * docs/axioms.schema.json). Immutable: a reload replaces the whole set.
 */
export const PERSPECTIVES = ['deontic', 'consequential', 'precedent'] as const;
export type Perspective = (typeof PERSPECTIVES)[number];

export const EFFECTS = ['forbid', 'require', 'weigh'] as const;
export type Effect = (typeof EFFECTS)[number];

export interface Axiom {
  readonly id: string;
  readonly title: string;
  readonly perspective: Perspective;
  readonly effect: Effect;
  /** weigh: signed, in [-1, 1]; require: in (0, 1]; forbid: in (0, 1], 1 when omitted. */
  readonly weight: number;
  /** When the axiom applies (forbid: fires; weigh: adds its weight; require: is checked). */
  readonly when: RulesLogic;
  /** require only: what must hold when it applies; an unmet require escalates. */
  readonly requires?: RulesLogic;
  readonly rationale: string;
}

export interface AxiomSet {
  readonly version: string;
  readonly description?: string;
  readonly thresholds: { readonly allow: number; readonly maxSpread: number };
  readonly perspectiveWeights: Readonly<Record<Perspective, number>>;
  readonly precedent: { readonly window: number; readonly priorWeight: number };
  /** JSON Pointers into {action, context} redacted in the decision log. */
  readonly mask: readonly string[];
  readonly axioms: readonly Axiom[];
}

export type AxiomsSource = 'file' | 'builtin-fallback';

/** A set in service, with where it came from. */
export interface LoadedAxioms {
  readonly set: AxiomSet;
  /** Lowercase hex SHA-256 of the set's RFC 8785 canonical JSON. */
  readonly digest: string;
  readonly source: AxiomsSource;
  /** The file it was read from (absolute), or null for the built-in set. */
  readonly path: string | null;
  readonly loadedAt: string;
}

export const PRECEDENT_DEFAULTS = { window: 20, priorWeight: 2 } as const;
