import type { LoadedAxioms } from './axioms/axiom-set';
import type { ReloadOutcome } from './axioms.service';
import type { AxiomsDto } from './dto/axioms.dto';
import type { DecisionContentDto, DecisionRecordDto } from './dto/decision.dto';

/** A decision memory (from peek() or a content listing) → its record. */
export function toDecisionRecord(memory: {
  id: string;
  kind: string;
  leafIndex: number;
  createdAt: string;
  tags: string[];
  content?: unknown;
}): DecisionRecordDto {
  return {
    id: memory.id,
    kind: memory.kind,
    leafIndex: memory.leafIndex,
    createdAt: memory.createdAt,
    tags: memory.tags,
    content: memory.content as DecisionContentDto,
  };
}

export function toAxiomsDto(
  loaded: LoadedAxioms,
  reason: string | null,
  lastReload: ReloadOutcome | null,
): AxiomsDto {
  const { set } = loaded;
  return {
    version: set.version,
    digest: loaded.digest,
    source: loaded.source,
    path: loaded.path,
    degraded: loaded.source === 'builtin-fallback',
    reason,
    loadedAt: loaded.loadedAt,
    ...(set.description === undefined ? {} : { description: set.description }),
    thresholds: { ...set.thresholds },
    perspectiveWeights: { ...set.perspectiveWeights },
    precedent: { ...set.precedent },
    mask: [...set.mask],
    axioms: set.axioms.map((a) => ({ ...a })),
    lastReload,
  };
}
