import type { MemoryEntity } from './entities';
import type { MemorySummaryDto } from './dto/memory.dto';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Entity → response; `strength` is the current (decayed) strength the caller computed. */
export function toMemoryDto(
  m: MemoryEntity,
  strength: number,
  withContent: boolean,
): MemorySummaryDto {
  const dto: MemorySummaryDto = {
    id: m.id,
    kind: m.kind,
    tags: JSON.parse(m.tags) as string[],
    contentType: m.contentType,
    contentSha256: m.contentSha256,
    sizeBytes: m.sizeBytes,
    importance: m.importance,
    strength,
    pinned: m.pinned,
    createdAt: iso(m.createdAt),
    expiresAt: m.expiresAt === null ? null : iso(m.expiresAt),
    reinforcedAt: iso(m.reinforcedAt),
    recallCount: m.recallCount,
    leafIndex: m.leafIndex,
    leafHash: m.leafHash,
  };
  if (withContent && m.content !== null) {
    dto.content = JSON.parse(m.content) as unknown;
  }
  return dto;
}
