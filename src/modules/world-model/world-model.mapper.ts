import type { FactDto } from './dto/fact.dto';
import type { WorldFactEntity } from './entities';

const iso = (ms: number) => new Date(ms).toISOString();

/** A fact row as the API shows it: times in ISO 8601 UTC, the object as its JSON scalar. */
export function toFactDto(f: WorldFactEntity): FactDto {
  return {
    id: f.id,
    subject: f.subject,
    predicate: f.predicate,
    object: f.object === null ? null : (JSON.parse(f.object) as string | number | boolean),
    confidence: f.confidence,
    cardinality: f.cardinality,
    validFrom: iso(f.validFrom),
    // Stored without NULLs (see projection/rows.ts); only closed facts have an end.
    validTo: f.status === 'closed' ? iso(f.validTo) : null,
    recordedAt: iso(f.recordedAt),
    status: f.status,
    supersededBy: f.supersededBy,
    conflictId: f.conflictId,
    sourceMemoryId: f.sourceMemoryId,
    sourceLeafIndex: f.sourceLeaf,
  };
}
