import { coherence } from './coherence';

describe(coherence.name, () => {
  it('should be 1 for an empty world', () => {
    expect(coherence(0, 0)).toBe(1);
  });

  it('should be 1 when no current fact is in an open conflict', () => {
    expect(coherence(10, 0)).toBe(1);
  });

  it('should be the share of current facts outside open conflicts', () => {
    expect(coherence(10, 2)).toBeCloseTo(0.8, 12);
    expect(coherence(4, 3)).toBeCloseTo(0.25, 12);
  });

  it('should be 0 when every current fact is contested', () => {
    expect(coherence(2, 2)).toBe(0);
  });

  it('should stay within [0, 1] for inconsistent counts', () => {
    expect(coherence(2, 5)).toBe(0);
    expect(coherence(2, -1)).toBe(1);
  });
});
