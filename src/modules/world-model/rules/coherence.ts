/**
 * Coherence of the world model, in [0, 1]: the share of current facts that are not part of an
 * open contradiction. 1 for an empty world (nothing believed, nothing contradicted).
 * docs/world-model.md ("Coherence") says why this measure and not another.
 */
export function coherence(currentFacts: number, conflictingFacts: number): number {
  if (currentFacts <= 0) {
    return 1;
  }
  const share = Math.min(Math.max(conflictingFacts, 0), currentFacts) / currentFacts;
  return 1 - share;
}
