import { Claim, conflictIdOf, Derived, resolveTimeline } from './timeline';

let leaf = 0;
const T = Date.UTC(2026, 0, 1);
const H = 3_600_000;

/** A claim about the colour of the sky, by default one value, full confidence, at T. */
function claim(object: string | null, over: Partial<Claim> = {}): Claim {
  leaf += 1;
  return {
    id: `m${leaf}:0`,
    subject: 'sky',
    predicate: 'colour',
    object: object === null ? null : JSON.stringify(object),
    confidence: 1,
    cardinality: 'one',
    validFrom: T,
    sourceLeaf: leaf,
    factIndex: 0,
    ...over,
  };
}

const resolve = (...claims: Claim[]) => resolveTimeline([], claims);
const state = (derived: Map<string, Derived>, c: Claim) => derived.get(c.id) as Derived;

describe(resolveTimeline.name, () => {
  describe('supersession', () => {
    it('should close the current fact when a newer one arrives for a one predicate', () => {
      const blue = claim('blue');
      const grey = claim('grey', { validFrom: T + H });
      const d = resolve(blue, grey);
      expect(state(d, blue)).toEqual({
        status: 'closed',
        validTo: T + H,
        supersededBy: grey.id,
        conflictId: null,
      });
      expect(state(d, grey)).toEqual({
        status: 'current',
        validTo: null,
        supersededBy: null,
        conflictId: null,
      });
    });

    it('should let a newer fact supersede even with a lower confidence', () => {
      const blue = claim('blue', { confidence: 0.9 });
      const grey = claim('grey', { validFrom: T + H, confidence: 0.2 });
      const d = resolve(blue, grey);
      expect(state(d, blue).status).toBe('closed');
      expect(state(d, grey).status).toBe('current');
    });

    it('should close a restated value too, so each observation keeps its own interval', () => {
      const first = claim('blue');
      const again = claim('blue', { validFrom: T + H });
      const d = resolve(first, again);
      expect(state(d, first)).toMatchObject({ status: 'closed', supersededBy: again.id });
      expect(state(d, again).status).toBe('current');
    });
  });

  describe('out-of-order facts', () => {
    it('should put an older fact into history without changing the present', () => {
      const now = claim('grey', { validFrom: T + 2 * H });
      const older = claim('blue', { validFrom: T }); // arrives later in the log
      const d = resolve(now, older);
      expect(state(d, now).status).toBe('current');
      expect(state(d, older)).toMatchObject({
        status: 'closed',
        validTo: T + 2 * H,
        supersededBy: now.id,
      });
    });

    it('should slot an older fact between two others, shortening the earlier one', () => {
      const a = claim('a', { validFrom: T });
      const c = claim('c', { validFrom: T + 2 * H });
      const b = claim('b', { validFrom: T + H });
      const d = resolve(a, c, b);
      expect(state(d, a)).toMatchObject({ validTo: T + H, supersededBy: b.id });
      expect(state(d, b)).toMatchObject({ validTo: T + 2 * H, supersededBy: c.id });
      expect(state(d, c).status).toBe('current');
    });

    it('should not depend on the order claims are given in', () => {
      const claims = [
        claim('a', { validFrom: T + H }),
        claim('b'),
        claim('c', { validFrom: T + H }),
      ];
      expect(resolve(...claims)).toEqual(resolve(...[...claims].reverse()));
    });
  });

  describe('conflicts', () => {
    it('should keep two values at the same time with equal confidence as an open conflict', () => {
      const blue = claim('blue', { confidence: 0.7 });
      const grey = claim('grey', { confidence: 0.7 });
      const d = resolve(blue, grey);
      const conflictId = conflictIdOf('sky', 'colour', T);
      expect(state(d, blue)).toMatchObject({ status: 'current', conflictId });
      expect(state(d, grey)).toMatchObject({ status: 'current', conflictId });
    });

    it('should count a lower-confidence claim at the same time as a conflict the stronger one wins', () => {
      const blue = claim('blue', { confidence: 0.9 });
      const grey = claim('grey', { confidence: 0.4 });
      const d = resolve(blue, grey);
      const conflictId = conflictIdOf('sky', 'colour', T);
      expect(state(d, blue)).toMatchObject({ status: 'current', conflictId });
      expect(state(d, grey)).toEqual({
        status: 'outweighed',
        validTo: null,
        supersededBy: blue.id,
        conflictId,
      });
    });

    it('should treat the same value claimed twice at the same time as a duplicate, not a conflict', () => {
      const first = claim('blue', { confidence: 0.5 });
      const second = claim('blue', { confidence: 0.5 });
      const d = resolve(first, second);
      expect(state(d, first)).toMatchObject({ status: 'current', conflictId: null });
      expect(state(d, second)).toMatchObject({ status: 'duplicate', supersededBy: first.id });
    });

    it('should close both sides of a conflict when a newer fact settles it', () => {
      const blue = claim('blue');
      const grey = claim('grey');
      const settled = claim('black', { validFrom: T + H });
      const d = resolve(blue, grey, settled);
      expect(state(d, blue)).toMatchObject({ status: 'closed', supersededBy: settled.id });
      expect(state(d, grey)).toMatchObject({ status: 'closed', supersededBy: settled.id });
      expect(state(d, settled)).toMatchObject({ status: 'current', conflictId: null });
    });

    it('should not let many-valued claims at the same time contradict each other', () => {
      const a = claim('tea', { predicate: 'likes', cardinality: 'many' });
      const b = claim('coffee', { predicate: 'likes', cardinality: 'many', confidence: 0.3 });
      const d = resolve(a, b);
      expect(state(d, a)).toMatchObject({ status: 'current', conflictId: null });
      expect(state(d, b)).toMatchObject({ status: 'current', conflictId: null });
    });
  });

  describe('retraction', () => {
    it('should close the fact and hold nothing after it', () => {
      const blue = claim('blue');
      const retract = claim(null, { validFrom: T + H });
      const d = resolve(blue, retract);
      expect(state(d, blue)).toMatchObject({
        status: 'closed',
        validTo: T + H,
        supersededBy: retract.id,
      });
      expect(state(d, retract)).toEqual({
        status: 'retraction',
        validTo: null,
        supersededBy: null,
        conflictId: null,
      });
    });

    it('should close every value of a many-valued predicate', () => {
      const tea = claim('tea', { predicate: 'likes', cardinality: 'many' });
      const coffee = claim('coffee', { predicate: 'likes', cardinality: 'many' });
      const none = claim(null, { predicate: 'likes', validFrom: T + H });
      const d = resolve(tea, coffee, none);
      expect(state(d, tea).status).toBe('closed');
      expect(state(d, coffee).status).toBe('closed');
    });

    it('should let a later fact hold again after a retraction', () => {
      const retract = claim(null);
      const again = claim('blue', { validFrom: T + H });
      const d = resolve(claim('grey', { validFrom: T - H }), retract, again);
      expect(state(d, again).status).toBe('current');
      expect(state(d, retract).status).toBe('retraction');
    });

    it('should be a conflict when a value and a retraction are equally confident at the same time', () => {
      const blue = claim('blue');
      const retract = claim(null);
      const d = resolve(blue, retract);
      expect(state(d, blue)).toMatchObject({ status: 'current' });
      expect(state(d, blue).conflictId).not.toBeNull();
      expect(state(d, retract).status).toBe('retraction');
    });
  });

  describe('many-valued predicates', () => {
    it('should add values without closing others, and close a value when it is restated', () => {
      const tea = claim('tea', { predicate: 'likes', cardinality: 'many' });
      const coffee = claim('coffee', { predicate: 'likes', cardinality: 'many', validFrom: T + H });
      const teaAgain = claim('tea', {
        predicate: 'likes',
        cardinality: 'many',
        validFrom: T + 2 * H,
      });
      const d = resolve(tea, coffee, teaAgain);
      expect(state(d, tea)).toMatchObject({ status: 'closed', supersededBy: teaAgain.id });
      expect(state(d, coffee).status).toBe('current');
      expect(state(d, teaAgain).status).toBe('current');
    });

    it('should replace every value when a one-valued claim follows', () => {
      const tea = claim('tea', { predicate: 'likes', cardinality: 'many' });
      const only = claim('water', { predicate: 'likes', validFrom: T + H });
      const d = resolve(tea, only);
      expect(state(d, tea)).toMatchObject({ status: 'closed', supersededBy: only.id });
      expect(state(d, only).status).toBe('current');
    });
  });

  describe('windows', () => {
    it('should re-close facts that were open before the window', () => {
      const d = resolveTimeline(
        [{ id: 'old', object: '"blue"', conflictId: null }],
        [claim('grey', { validFrom: T + H })],
      );
      expect(d.get('old')).toMatchObject({ status: 'closed', validTo: T + H });
    });
  });
});
