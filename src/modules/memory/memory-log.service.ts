import { Injectable } from '@nestjs/common';
import { MemoryComponent } from './memory.component';
import { InvalidTreeSizeError, MemoryNotFoundError } from './memory.errors';
import { MemoryRepository } from './memory.repository';
import {
  consistencyPlan,
  inclusionPlan,
  NodeId,
  nodeKey,
  nodesOf,
  resolve,
  resolveRoot,
  rootPlan,
} from './merkle';
import { signTreeHead, SignedTreeHead } from './signing/tree-head';
import type { ConsistencyProofDto, InclusionProofDto, LogEntriesDto } from './dto/log.dto';

const MAX_ENTRIES = 1000;
const DEFAULT_ENTRIES = 100;

/** Read side of the log: signed heads, inclusion and consistency proofs, entries. */
@Injectable()
export class MemoryLogService {
  private latestHead: SignedTreeHead | null = null;

  constructor(
    private readonly repository: MemoryRepository,
    private readonly component: MemoryComponent,
  ) {}

  /** A head signed for the current tree; signed once per tree size and kept. */
  async head(): Promise<SignedTreeHead> {
    const key = this.component.signingKey();
    const state = await this.repository.logState();
    const cached = this.latestHead;
    if (cached && cached.treeSize === state.treeSize && cached.keyId === key.keyId) {
      return cached;
    }
    const stored = await this.repository.findHead(state.treeSize);
    if (stored && stored.keyId === key.keyId && stored.rootHash === state.rootHash) {
      this.latestHead = { ...stored, algorithm: 'Ed25519' };
      return this.latestHead;
    }
    const head = signTreeHead(key.privateKey, {
      treeSize: state.treeSize,
      rootHash: state.rootHash,
      timestamp: new Date().toISOString(),
    });
    await this.repository.saveHead({
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      signature: head.signature,
      keyId: head.keyId,
    });
    this.latestHead = head;
    return head;
  }

  publicKeyPem(): string {
    return this.component.signingKey().publicKeyPem;
  }

  async inclusionProof(memoryId: string, treeSize?: number): Promise<InclusionProofDto> {
    const memory = await this.repository.findById(memoryId);
    if (!memory) {
      throw new MemoryNotFoundError(memoryId);
    }
    const { treeSize: current } = await this.repository.logState();
    const size = treeSize ?? current;
    if (size <= memory.leafIndex || size > current) {
      throw new InvalidTreeSizeError(
        `treeSize must be greater than the leaf index ${memory.leafIndex} and at most the current size ${current}`,
        { treeSize: [`must be in [${memory.leafIndex + 1}, ${current}]`] },
      );
    }
    const plan = inclusionPlan(memory.leafIndex, size);
    const root = rootPlan(size);
    const lookup = await this.lookup(nodesOf(plan, root));
    return {
      memoryId,
      leafIndex: memory.leafIndex,
      treeSize: size,
      leafHash: memory.leafHash,
      auditPath: resolve(plan, lookup).map((h) => h.toString('hex')),
      rootHash: resolveRoot(root, lookup).toString('hex'),
    };
  }

  async consistencyProof(from: number, to?: number): Promise<ConsistencyProofDto> {
    const { treeSize: current } = await this.repository.logState();
    const target = to ?? current;
    if (from > target || target > current) {
      throw new InvalidTreeSizeError(`need 0 ≤ from ≤ to ≤ ${current} (the current size)`, {
        ...(from > target ? { from: [`must be at most to (${target})`] } : {}),
        ...(target > current ? { to: [`must be at most the current size ${current}`] } : {}),
      });
    }
    const plan = consistencyPlan(from, target);
    const fromRoot = rootPlan(from);
    const toRoot = rootPlan(target);
    const lookup = await this.lookup(nodesOf(plan, fromRoot, toRoot));
    return {
      from,
      to: target,
      fromRootHash: resolveRoot(fromRoot, lookup).toString('hex'),
      toRootHash: resolveRoot(toRoot, lookup).toString('hex'),
      proof: resolve(plan, lookup).map((h) => h.toString('hex')),
    };
  }

  async entries(start: number, end?: number): Promise<LogEntriesDto> {
    const { treeSize } = await this.repository.logState();
    if (start > treeSize) {
      throw new InvalidTreeSizeError(`start must be at most the tree size ${treeSize}`, {
        start: [`must be at most ${treeSize}`],
      });
    }
    const wanted = end ?? start + DEFAULT_ENTRIES;
    if (wanted < start || wanted - start > MAX_ENTRIES) {
      throw new InvalidTreeSizeError(`end must be in [start, start + ${MAX_ENTRIES}]`, {
        end: [`must be in [${start}, ${start + MAX_ENTRIES}]`],
      });
    }
    const stop = Math.min(wanted, treeSize);
    const rows = await this.repository.findByLeafRange(start, stop);
    return {
      start,
      end: stop,
      treeSize,
      entries: rows.map((m) => ({
        leafIndex: m.leafIndex,
        leafHash: m.leafHash,
        memoryId: m.id,
        kind: m.kind,
        forgotten: m.forgottenAt !== null,
      })),
    };
  }

  private async lookup(ids: NodeId[]): Promise<(id: NodeId) => Buffer | undefined> {
    const nodes = await this.repository.nodesById(ids);
    return (id) => nodes.get(nodeKey(id));
  }
}
