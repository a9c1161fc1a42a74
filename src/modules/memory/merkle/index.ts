export {
  EMPTY_ROOT,
  HASH_SIZE,
  LEAF_PREFIX,
  NODE_PREFIX,
  hashChildren,
  hashLeaf,
  isHash,
} from './hash';
export {
  MissingNodeError,
  appendNodes,
  appendPlan,
  consistencyPlan,
  inclusionPlan,
  nodeKey,
  nodeRange,
  nodesOf,
  perfectSubtrees,
  resolve,
  resolveRoot,
  rootPlan,
} from './tree';
export type { HashPlan, MerkleNode, NodeId, NodeLookup, ProofPlan } from './tree';
export { RootAccumulator } from './root-accumulator';
export type { RootAccumulatorState } from './root-accumulator';
export {
  ProofError,
  checkConsistency,
  checkInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verifier';
export type { ConsistencyClaim, InclusionClaim, InclusionProof, ProofErrorCode } from './verifier';
