/**
 * The shape of an observation memory's content, checked in one place: the observations route
 * refuses what fails here (400, nothing stored), and the projection skips an observation stored
 * through the memory API that fails here (with the same messages as its recorded reason).
 */

import { MAX_NAME_CHARS } from '../../../common/text-rules';

export { MAX_NAME_CHARS };
export const MAX_SOURCE_CHARS = 1024;
export const CARDINALITIES = ['one', 'many'] as const;
export type Cardinality = (typeof CARDINALITIES)[number];
/** A fact's object: a JSON scalar, or null for a retraction. */
export type FactObject = string | number | boolean | null;

export interface ObservedFact {
  subject: string;
  predicate: string;
  object: FactObject;
  confidence: number;
  /** Epoch ms; null means "the memory's time". */
  validFrom: number | null;
  cardinality: Cardinality;
}

export type ObservationParse =
  { ok: true; facts: ObservedFact[] } | { ok: false; errors: Record<string, string[]> };

const FACT_KEYS = new Set([
  'subject',
  'predicate',
  'object',
  'confidence',
  'validFrom',
  'cardinality',
]);
const CONTENT_KEYS = new Set(['facts', 'source']);
// RFC 3339 date-time; the calendar is checked below (Date.parse accepts February 30).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Validates observation content `{facts: [...], source?}`. `maxFacts` bounds the number of facts
 * (the API's admission rule; the projection passes none, so that a changed limit never changes
 * what a replay of the log produces). Field names are `facts[3].object` style.
 */
export function parseObservation(
  content: unknown,
  options: { maxFacts?: number } = {},
): ObservationParse {
  // Field names come from the content's own keys ("constructor", "toString"…): no prototype.
  const errors = Object.create(null) as Record<string, string[]>;
  const add = (field: string, message: string) => {
    (errors[field] ??= []).push(message);
  };
  if (!isPlainObject(content)) {
    return { ok: false, errors: { content: ['must be an object {facts: [...], source?}'] } };
  }
  for (const key of Object.keys(content)) {
    if (!CONTENT_KEYS.has(key)) {
      add(key, 'is not allowed (an observation has facts and an optional source)');
    }
  }
  if (
    content.source !== undefined &&
    (typeof content.source !== 'string' || charLength(content.source) > MAX_SOURCE_CHARS)
  ) {
    add('source', `must be a string of at most ${MAX_SOURCE_CHARS} characters`);
  }
  const facts = content.facts;
  if (!Array.isArray(facts)) {
    add('facts', 'must be an array of facts');
    return { ok: false, errors };
  }
  if (facts.length === 0) {
    add('facts', 'must contain at least one fact');
  }
  if (options.maxFacts !== undefined && facts.length > options.maxFacts) {
    add('facts', `must contain at most ${options.maxFacts} facts (got ${facts.length})`);
    return { ok: false, errors };
  }
  const parsed: ObservedFact[] = [];
  facts.forEach((fact: unknown, i) => {
    const one = parseFact(fact, `facts[${i}]`, add);
    if (one) {
      parsed.push(one);
    }
  });
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, facts: parsed };
}

/** Epoch ms of an RFC 3339 date-time with a real calendar date, or null. */
export function parseDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) {
    return null;
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return null;
  }
  // Fractions beyond milliseconds are cut, as the API's times have milliseconds.
  const ms = m[7] === undefined ? 0 : Number(`${m[7].slice(1)}00`.slice(0, 3));
  const sign = m[8].startsWith('-') ? -1 : 1;
  const offset = m[8] === 'Z' ? 0 : sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offset;
}

function daysIn(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseFact(
  fact: unknown,
  at: string,
  add: (field: string, message: string) => void,
): ObservedFact | null {
  if (!isPlainObject(fact)) {
    add(
      at,
      'must be an object {subject, predicate, object, confidence?, validFrom?, cardinality?}',
    );
    return null;
  }
  let ok = true;
  const fail = (field: string, message: string) => {
    ok = false;
    add(`${at}.${field}`, message);
  };
  for (const key of Object.keys(fact)) {
    if (!FACT_KEYS.has(key)) {
      fail(key, 'is not allowed');
    }
  }
  for (const field of ['subject', 'predicate'] as const) {
    const value = fact[field];
    if (typeof value !== 'string' || value.trim() === '') {
      fail(field, 'must be a non-empty string');
    } else if (charLength(value) > MAX_NAME_CHARS) {
      fail(field, `must be at most ${MAX_NAME_CHARS} characters`);
    }
  }
  const object = fact.object;
  if (!('object' in fact) || object === undefined) {
    fail('object', 'is required: a JSON scalar, or null to retract');
  } else if (object !== null && !['string', 'number', 'boolean'].includes(typeof object)) {
    fail('object', 'must be a JSON scalar (string, number, boolean) or null to retract');
  }
  const confidence = fact.confidence ?? 1;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
    fail('confidence', 'must be a number from 0 to 1');
  }
  let validFrom: number | null = null;
  if (fact.validFrom !== undefined) {
    validFrom = typeof fact.validFrom === 'string' ? parseDateTime(fact.validFrom) : null;
    if (validFrom === null) {
      fail(
        'validFrom',
        'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T08:00:00Z',
      );
    }
  }
  const cardinality = fact.cardinality ?? 'one';
  if (!(CARDINALITIES as readonly unknown[]).includes(cardinality)) {
    fail('cardinality', 'must be one or many');
  }
  if (!ok) {
    return null;
  }
  return {
    subject: fact.subject as string,
    predicate: fact.predicate as string,
    object: object as FactObject,
    confidence: confidence as number,
    validFrom,
    cardinality: cardinality as Cardinality,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length in Unicode code points, as both databases count characters. */
function charLength(text: string): number {
  let n = 0;
  for (const _ of text) {
    n += 1;
  }
  return n;
}
