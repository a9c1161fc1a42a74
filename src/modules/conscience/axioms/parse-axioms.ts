import Ajv from 'ajv';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../memory/leaf';
import { schemaFieldErrors } from '../schema-errors';
import {
  type Axiom,
  type AxiomSet,
  PERSPECTIVES,
  PRECEDENT_DEFAULTS,
  type Perspective,
} from './axiom-set';
import schema from './axioms.schema.json';
import { ruleProblems } from './json-logic';

export type ParseResult =
  { ok: true; set: AxiomSet; digest: string } | { ok: false; errors: Record<string, string[]> };

/** Pointers the decision index needs in clear: the action type is a tag (`action:<type>`). */
const UNMASKABLE = new Set(['/action', '/action/type']);

const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(schema);

/** Parses and validates the text of an axioms file. Errors are keyed by dotted path. */
export function parseAxiomsText(text: string): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    return { ok: false, errors: { file: [`is not valid JSON: ${(error as Error).message}`] } };
  }
  return parseAxioms(document);
}

/** Validates a parsed axioms document against docs/axioms.schema.json and the rules the schema cannot say. */
export function parseAxioms(document: unknown): ParseResult {
  if (!validate(document)) {
    return { ok: false, errors: schemaFieldErrors(validate.errors ?? [], 'file') };
  }
  const raw = document as unknown as RawAxiomSet;
  const errors = Object.create(null) as Record<string, string[]>;
  const add = (path: string, message: string) => (errors[path] ??= []).push(message);

  const seen = new Map<string, number>();
  raw.axioms.forEach((axiom, i) => {
    const first = seen.get(axiom.id);
    if (first === undefined) {
      seen.set(axiom.id, i);
    } else {
      add(`axioms.${i}.id`, `duplicates the id of axioms.${first}`);
    }
    for (const [path, message] of ruleProblems(axiom.when, `axioms.${i}.when`)) {
      add(path, message);
    }
    if (axiom.requires !== undefined) {
      for (const [path, message] of ruleProblems(axiom.requires, `axioms.${i}.requires`)) {
        add(path, message);
      }
    }
  });
  if (PERSPECTIVES.every((p) => raw.perspectiveWeights[p] === 0)) {
    add('perspectiveWeights', 'at least one perspective needs a weight above 0');
  }
  (raw.mask ?? []).forEach((pointer, i) => {
    if (UNMASKABLE.has(pointer)) {
      add(`mask.${i}`, `${pointer} cannot be masked: the action type indexes decisions`);
    }
  });
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const set: AxiomSet = {
    version: raw.version,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    thresholds: { allow: raw.thresholds.allow, maxSpread: raw.thresholds.maxSpread },
    perspectiveWeights: {
      deontic: raw.perspectiveWeights.deontic,
      consequential: raw.perspectiveWeights.consequential,
      precedent: raw.perspectiveWeights.precedent,
    },
    precedent: {
      window: raw.precedent?.window ?? PRECEDENT_DEFAULTS.window,
      priorWeight: raw.precedent?.priorWeight ?? PRECEDENT_DEFAULTS.priorWeight,
    },
    mask: [...(raw.mask ?? [])],
    axioms: raw.axioms.map((a): Axiom => ({
      id: a.id,
      title: a.title,
      perspective: a.perspective,
      effect: a.effect,
      weight: a.weight ?? 1,
      when: a.when,
      ...(a.requires === undefined ? {} : { requires: a.requires }),
      rationale: a.rationale,
    })),
  };
  return { ok: true, set: deepFreeze(set), digest: digestOf(set) };
}

/** Lowercase hex SHA-256 of the set's canonical JSON: two files that say the same thing match. */
export function digestOf(set: AxiomSet): string {
  return createHash('sha256').update(canonicalJson(set), 'utf8').digest('hex');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The document's shape once the schema has accepted it. */
interface RawAxiomSet {
  version: string;
  description?: string;
  thresholds: { allow: number; maxSpread: number };
  perspectiveWeights: Record<Perspective, number>;
  precedent?: { window?: number; priorWeight?: number };
  mask?: string[];
  axioms: Array<Omit<Axiom, 'weight'> & { weight?: number }>;
}
