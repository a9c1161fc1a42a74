import { loadConfig } from '../../config/environment';
import {
  DAY_MS,
  PlasticState,
  clampStrength,
  currentStrength,
  fadesAt,
  initialStrength,
  isFaded,
  reinforce,
} from './plasticity';

const H = 7 * DAY_MS;
const t0 = Date.UTC(2026, 10, 27, 15, 5, 55, 123);
const memory = (strength: number, pinned = false): PlasticState => ({
  strength,
  reinforcedAt: new Date(t0),
  pinned,
});

describe(currentStrength.name, () => {
  it('should start at the stored strength', () => {
    expect(currentStrength(memory(0.8), t0, H)).toBe(0.8);
  });

  it('should halve every half-life', () => {
    expect(currentStrength(memory(0.8), t0 + H, H)).toBeCloseTo(0.4, 12);
    expect(currentStrength(memory(0.8), t0 + 2 * H, H)).toBeCloseTo(0.2, 12);
    expect(currentStrength(memory(0.8), new Date(t0 + H / 2), H)).toBeCloseTo(0.8 / Math.SQRT2, 12);
  });

  it('should accept numeric and Date times alike', () => {
    const asNumber = { ...memory(0.5), reinforcedAt: t0 };
    expect(currentStrength(asNumber, t0 + H, H)).toBe(currentStrength(memory(0.5), t0 + H, H));
  });

  it('should keep pinned memories constant', () => {
    expect(currentStrength(memory(0.3, true), t0 + 100 * H, H)).toBe(0.3);
  });

  it('should not decay with an infinite half-life', () => {
    expect(currentStrength(memory(0.3), t0 + 100 * H, Infinity)).toBe(0.3);
  });

  it('should treat a now before reinforcedAt (clock skew) as no elapsed time', () => {
    expect(currentStrength(memory(0.6), t0 - H, H)).toBe(0.6);
  });

  it('should clamp stored strengths outside [0, 1] and treat NaN as 0', () => {
    expect(currentStrength(memory(1.5), t0, H)).toBe(1);
    expect(currentStrength(memory(-0.2), t0, H)).toBe(0);
    expect(currentStrength(memory(NaN), t0 + H, H)).toBe(0);
  });

  it('should reach 0 far in the future rather than NaN', () => {
    expect(currentStrength(memory(1), t0 + 1e6 * H, H)).toBe(0);
  });

  it.each([0, -1, NaN])('should reject a half-life of %p', (halfLife) => {
    expect(() => currentStrength(memory(0.5), t0, halfLife)).toThrow(RangeError);
  });

  it('should reject an invalid time', () => {
    expect(() => currentStrength(memory(0.5), new Date('nope'), H)).toThrow(RangeError);
    expect(() => currentStrength({ ...memory(0.5), reinforcedAt: NaN }, t0, H)).toThrow(RangeError);
  });
});

describe(reinforce.name, () => {
  it('should close a fraction alpha of the gap to 1', () => {
    expect(reinforce(0.5, 0.2)).toBeCloseTo(0.6, 12);
    expect(reinforce(0, 0.2)).toBeCloseTo(0.2, 12);
    expect(reinforce(1, 0.2)).toBe(1);
    expect(reinforce(0.4, 0)).toBe(0.4);
    expect(reinforce(0.4, 1)).toBe(1);
  });

  it('should apply to the decayed strength, the recall time becoming the new origin', () => {
    const decayed = currentStrength(memory(0.8), t0 + H, H);
    const reinforced: PlasticState = {
      strength: reinforce(decayed, 0.2),
      reinforcedAt: t0 + H,
      pinned: false,
    };
    expect(reinforced.strength).toBeCloseTo(0.4 + 0.2 * 0.6, 12);
    expect(currentStrength(reinforced, t0 + 2 * H, H)).toBeCloseTo(0.52 / 2, 12);
  });

  it('should clamp its input', () => {
    expect(reinforce(NaN, 0.5)).toBe(0.5);
    expect(reinforce(2, 0.5)).toBe(1);
  });

  it.each([-0.1, 1.1, NaN])('should reject alpha %p', (alpha) => {
    expect(() => reinforce(0.5, alpha)).toThrow(RangeError);
  });
});

describe(isFaded.name, () => {
  it('should be true only once strength is strictly below the threshold', () => {
    expect(isFaded(memory(0.2), t0 + H, H, 0.1)).toBe(false);
    expect(isFaded(memory(0.2), t0 + H + 1, H, 0.1)).toBe(true);
  });

  it('should never fade a pinned memory', () => {
    expect(isFaded(memory(0, true), t0 + 100 * H, H, 0.05)).toBe(false);
  });

  it('should reject a threshold outside [0, 1]', () => {
    expect(() => isFaded(memory(0.5), t0, H, 1.5)).toThrow(RangeError);
  });
});

describe(fadesAt.name, () => {
  it('should solve s0 · 2^(−Δ/H) = threshold', () => {
    // 0.4 → 0.05 is three halvings.
    expect(fadesAt(memory(0.4), H, 0.05)?.getTime()).toBe(t0 + 3 * H);
  });

  it.each([
    [1, 0.05],
    [0.8, 0.05],
    [0.37, 0.2],
    [0.06, 0.05],
  ])('should agree with isFaded around the boundary (s0 %p, threshold %p)', (s0, threshold) => {
    const at = fadesAt(memory(s0), H, threshold);
    expect(at).not.toBeNull();
    const ms = at!.getTime();
    expect(isFaded(memory(s0), ms - 1, H, threshold)).toBe(false);
    expect(isFaded(memory(s0), ms + 1, H, threshold)).toBe(true);
    expect(currentStrength(memory(s0), ms, H)).toBeCloseTo(threshold, 9);
  });

  it('should use the default parameters sensibly', () => {
    const { halfLifeMs, forgetBelow } = loadConfig({}).memory;
    // Full importance fades below 0.05 after log2(20) ≈ 4.32 half-lives ≈ 30.3 days.
    const at = fadesAt(memory(1), halfLifeMs, forgetBelow)!.getTime();
    expect((at - t0) / DAY_MS).toBeCloseTo(7 * Math.log2(20), 6);
  });

  it('should return reinforcedAt for a memory already below the threshold', () => {
    expect(fadesAt(memory(0.01), H, 0.05)?.getTime()).toBe(t0);
    expect(fadesAt(memory(0), H, 0.05)?.getTime()).toBe(t0);
  });

  it('should return null when the memory can never fade', () => {
    expect(fadesAt(memory(0.5, true), H, 0.05)).toBeNull();
    expect(fadesAt(memory(0.5), Infinity, 0.05)).toBeNull();
    expect(fadesAt(memory(0.5), H, 0)).toBeNull();
    expect(fadesAt(memory(1), 1e300, 0.05)).toBeNull();
  });

  it('should move later after a reinforcement', () => {
    const before = fadesAt(memory(0.5), H, 0.05)!.getTime();
    const recalledAt = t0 + H;
    const after = fadesAt(
      {
        strength: reinforce(currentStrength(memory(0.5), recalledAt, H), 0.2),
        reinforcedAt: recalledAt,
        pinned: false,
      },
      H,
      0.05,
    )!.getTime();
    expect(after).toBeGreaterThan(before);
  });
});

describe('strength helpers', () => {
  it('should start a memory at its importance, clamped', () => {
    expect(initialStrength(0.7)).toBe(0.7);
    expect(initialStrength(3)).toBe(1);
    expect(clampStrength(NaN)).toBe(0);
  });
});
