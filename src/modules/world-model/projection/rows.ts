import type { Cardinality } from '../rules/observation';
import { type FactStatus, holds } from '../rules/timeline';
import type { StoredFact } from './plan';

/**
 * `valid_to` has no NULLs, so that "facts still open at t" is one index range (valid_to ≥ t):
 * current facts store OPEN_END (the largest time a Date can hold), claims that never held store
 * their own validFrom (an empty interval), closed facts their real end.
 */
export const OPEN_END = 8_640_000_000_000_000;

/** Columns of world_facts, in the order `factValues` lists them. */
export const FACT_COLUMNS = [
  'generation',
  'source_leaf',
  'fact_index',
  'id',
  'subject',
  'predicate',
  'object',
  'confidence',
  'cardinality',
  'valid_from',
  'valid_to',
  'recorded_at',
  'source_memory_id',
  'status',
  'superseded_by',
  'conflict_id',
] as const;

/** A world_facts row as a driver returns it (PostgreSQL returns BIGINT as a string). */
export interface FactRow {
  id: string;
  subject: string;
  predicate: string;
  object: string | null;
  confidence: number | string;
  cardinality: string;
  valid_from: number | string;
  valid_to: number | string;
  recorded_at: number | string;
  source_memory_id: string;
  source_leaf: number | string;
  fact_index: number | string;
  status: string;
  superseded_by: string | null;
  conflict_id: string | null;
}

export function storedValidTo(fact: Pick<StoredFact, 'status' | 'validFrom' | 'validTo'>): number {
  if (fact.status === 'current') {
    return OPEN_END;
  }
  return holds(fact.status) && fact.validTo !== null ? fact.validTo : fact.validFrom;
}

export function factValues(generation: number, f: StoredFact): unknown[] {
  return [
    generation,
    f.sourceLeaf,
    f.factIndex,
    f.id,
    f.subject,
    f.predicate,
    f.object,
    f.confidence,
    f.cardinality,
    f.validFrom,
    storedValidTo(f),
    f.recordedAt,
    f.sourceMemoryId,
    f.status,
    f.supersededBy,
    f.conflictId,
  ];
}

export function fromRow(row: FactRow): StoredFact {
  const status = row.status as FactStatus;
  const validTo = Number(row.valid_to);
  return {
    id: row.id,
    subject: row.subject,
    predicate: row.predicate,
    object: row.object,
    confidence: Number(row.confidence),
    cardinality: row.cardinality as Cardinality,
    validFrom: Number(row.valid_from),
    validTo: status === 'closed' ? validTo : null,
    recordedAt: Number(row.recorded_at),
    sourceMemoryId: row.source_memory_id,
    sourceLeaf: Number(row.source_leaf),
    factIndex: Number(row.fact_index),
    status,
    supersededBy: row.superseded_by,
    conflictId: row.conflict_id,
  };
}
