import { leafInput } from '../../../src/modules/memory/leaf';
import { hashLeaf, RootAccumulator } from '../../../src/modules/memory/merkle';
import { checkConsistency, checkInclusion } from '../../../src/modules/memory/merkle/verifier';
import { SignedTreeHead, verifyTreeHead } from '../../../src/modules/memory/signing/tree-head';

/** What a client knows of a memory after storing or recalling it. */
export interface MemoryFields {
  id: string;
  kind: string;
  contentType: string;
  contentSha256: string;
  tags: string[];
  createdAt: string;
}

/** The leaf hash a client recomputes from a memory's fields, as docs/memory-log.md explains. */
export function clientLeafHash(memory: MemoryFields): string {
  return hashLeaf(
    leafInput({
      id: memory.id,
      kind: memory.kind,
      contentType: memory.contentType,
      contentSha256: memory.contentSha256,
      tags: memory.tags,
      createdAt: memory.createdAt,
    }),
  ).toString('hex');
}

/** The root a client computes from leaf hashes it recomputed itself, in leaf order. */
export function clientRoot(leafHashes: string[]): string {
  const acc = new RootAccumulator();
  leafHashes.forEach((h) => acc.push(Buffer.from(h, 'hex')));
  return acc.root().toString('hex');
}

const hex = (h: string) => Buffer.from(h, 'hex');

export function assertInclusion(
  leafHash: string,
  proof: { leafIndex: number; treeSize: number; auditPath: string[] },
  rootHash: string,
): void {
  checkInclusion({
    leafHash: hex(leafHash),
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    proof: proof.auditPath.map(hex),
    rootHash: hex(rootHash),
  });
}

export function assertConsistency(
  proof: { from: number; to: number; proof: string[] },
  root1: string,
  root2: string,
): void {
  checkConsistency({
    size1: proof.from,
    size2: proof.to,
    proof: proof.proof.map(hex),
    root1: hex(root1),
    root2: hex(root2),
  });
}

export function headVerifies(publicKeyPem: string, head: SignedTreeHead): boolean {
  return verifyTreeHead(publicKeyPem, head);
}
