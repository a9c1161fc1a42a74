import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { VerificationMismatchDto, VerificationReportDto } from './dto/log.dto';
import type { MemoryEntity } from './entities';
import { leafInput } from './leaf';
import { MemoryRepository } from './memory.repository';
import { EMPTY_ROOT, hashLeaf, nodeKey, RootAccumulator, rootPlan } from './merkle';

const BATCH = 2000;
const MAX_REPORTED = 1000;

/** Recomputes the log from the rows: each leaf from its memory, the root from the leaves. */
@Injectable()
export class MemoryVerificationService {
  constructor(private readonly repository: MemoryRepository) {}

  async verifyAll(): Promise<VerificationReportDto> {
    const started = performance.now();
    const { treeSize, rootHash } = await this.repository.logState();
    const accumulator = new RootAccumulator();
    const mismatches: VerificationMismatchDto[] = [];
    for (let start = 0; start < treeSize; start += BATCH) {
      const end = Math.min(start + BATCH, treeSize);
      const problems = await this.verifyRange(start, end, accumulator);
      mismatches.push(...problems.slice(0, MAX_REPORTED - mismatches.length));
      // Keep the event loop responsive on large logs.
      await yieldToEventLoop();
    }
    const computed = treeSize === 0 ? EMPTY_ROOT : accumulator.root();
    const computedRootHash = computed.toString('hex');
    if (computedRootHash !== rootHash) {
      mismatches.push({
        memoryId: null,
        leafIndex: null,
        problem: 'root_mismatch',
        detail: `root recomputed from the rows ${computedRootHash} differs from the stored root ${rootHash}`,
      });
    }
    mismatches.push(...(await this.checkFrontier(treeSize, accumulator)));
    return {
      ok: mismatches.length === 0,
      treeSize,
      computedRootHash,
      storedRootHash: rootHash,
      checkedLeaves: accumulator.size,
      mismatches,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /**
   * Checks leaves [start, end) and feeds the recomputed leaf hashes to `accumulator`, which
   * must be at `start` (so an incremental job can resume from a saved accumulator).
   */
  async verifyRange(
    start: number,
    end: number,
    accumulator: RootAccumulator,
  ): Promise<VerificationMismatchDto[]> {
    const [rows, stored] = await Promise.all([
      this.repository.findByLeafRange(start, end),
      this.repository.leafHashes(start, end),
    ]);
    const byIndex = new Map(rows.map((m) => [m.leafIndex, m]));
    const storedLeaf = new Map(stored.map((n) => [n.index, n.hash]));
    const mismatches: VerificationMismatchDto[] = [];
    for (let i = start; i < end; i += 1) {
      const memory = byIndex.get(i);
      if (!memory) {
        mismatches.push({
          memoryId: null,
          leafIndex: i,
          problem: 'missing_row',
          detail: `no memory holds leaf ${i}`,
        });
        accumulator.push(Buffer.from(storedLeaf.get(i) ?? EMPTY_ROOT.toString('hex'), 'hex'));
        continue;
      }
      const { leafHash, problems } = this.checkMemory(memory, storedLeaf.get(i));
      mismatches.push(...problems);
      accumulator.push(leafHash);
    }
    return mismatches;
  }

  private checkMemory(m: MemoryEntity, storedNode: string | undefined) {
    const problems: VerificationMismatchDto[] = [];
    const report = (problem: string, detail: string) =>
      problems.push({ memoryId: m.id, leafIndex: m.leafIndex, problem, detail });
    if (m.content !== null) {
      const actual = createHash('sha256').update(m.content, 'utf8').digest('hex');
      if (actual !== m.contentSha256) {
        report(
          'content_mismatch',
          `content hashes to ${actual}, not the recorded contentSha256 ${m.contentSha256}`,
        );
      }
    }
    let leafHash: Buffer;
    try {
      leafHash = hashLeaf(
        leafInput({
          id: m.id,
          kind: m.kind,
          contentType: m.contentType,
          contentSha256: m.contentSha256,
          tags: JSON.parse(m.tags) as string[],
          createdAt: new Date(m.createdAt).toISOString(),
        }),
      );
    } catch (error) {
      report('malformed_row', `the row cannot be encoded as a leaf: ${(error as Error).message}`);
      return { leafHash: Buffer.from(m.leafHash, 'hex'), problems };
    }
    const hex = leafHash.toString('hex');
    if (hex !== m.leafHash) {
      report(
        'leaf_mismatch',
        `the row's fields hash to ${hex}, not its recorded leaf ${m.leafHash}`,
      );
    } else if (storedNode !== undefined && storedNode !== hex) {
      report('node_mismatch', `the tree holds ${storedNode} for this leaf, not ${hex}`);
    }
    return { leafHash, problems };
  }

  /** The stored complete subtrees on the right edge must equal the recomputed ones. */
  private async checkFrontier(
    treeSize: number,
    accumulator: RootAccumulator,
  ): Promise<VerificationMismatchDto[]> {
    const ids = rootPlan(treeSize).nodes;
    const stored = await this.repository.nodesById(ids);
    const computed = accumulator.subtrees();
    return ids.flatMap((id, i) => {
      const have = stored.get(nodeKey(id))?.toString('hex');
      const want = computed[i]?.toString('hex');
      return have === want
        ? []
        : [
            {
              memoryId: null,
              leafIndex: null,
              problem: 'node_mismatch',
              detail: `stored subtree ${nodeKey(id)} is ${have ?? 'missing'}, recomputed ${want ?? 'none'}`,
            },
          ];
    });
  }
}
