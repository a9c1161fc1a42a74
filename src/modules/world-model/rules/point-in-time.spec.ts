import { factsAt, holdsAt, Interval } from './point-in-time';

const T = Date.UTC(2026, 0, 1);
const H = 3_600_000;

describe(holdsAt.name, () => {
  const closed: Interval = { status: 'closed', validFrom: T, validTo: T + H };
  const current: Interval = { status: 'current', validFrom: T + H, validTo: null };

  it('should hold from validFrom, inclusive', () => {
    expect(holdsAt(closed, T)).toBe(true);
    expect(holdsAt(closed, T - 1)).toBe(false);
  });

  it('should stop holding at validTo, exclusive', () => {
    expect(holdsAt(closed, T + H - 1)).toBe(true);
    expect(holdsAt(closed, T + H)).toBe(false);
  });

  it('should hold forever once open', () => {
    expect(holdsAt(current, T + 1000 * H)).toBe(true);
    expect(holdsAt(current, T + H - 1)).toBe(false);
  });

  it('should never hold for claims that only inform', () => {
    for (const status of ['retraction', 'duplicate', 'outweighed'] as const) {
      expect(holdsAt({ status, validFrom: T, validTo: null }, T)).toBe(false);
    }
  });
});

describe(factsAt.name, () => {
  it('should answer what held at each point of a superseded timeline', () => {
    const facts = [
      { name: 'blue', status: 'closed' as const, validFrom: T, validTo: T + H },
      { name: 'grey', status: 'current' as const, validFrom: T + H, validTo: null },
    ];
    expect(factsAt(facts, T - 1)).toEqual([]);
    expect(factsAt(facts, T).map((f) => f.name)).toEqual(['blue']);
    expect(factsAt(facts, T + H).map((f) => f.name)).toEqual(['grey']);
  });
});
