import { decodeCursor, encodeCursor, prefixUpperBound } from './page-cursor';

describe(encodeCursor.name, () => {
  it('should round-trip a key through an opaque cursor', () => {
    const cursor = encodeCursor('facts', ['colour', 17, 3, 0]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('facts', ['string', 'integer', 'integer', 'integer'], cursor)).toEqual([
      'colour',
      17,
      3,
      0,
    ]);
  });

  it('should refuse cursors of another listing, of another shape, or not cursors at all', () => {
    const cursor = encodeCursor('entities', ['a']);
    expect(decodeCursor('facts', ['string'], cursor)).toBeNull();
    expect(decodeCursor('entities', ['integer'], cursor)).toBeNull();
    expect(decodeCursor('entities', ['string', 'string'], cursor)).toBeNull();
    expect(decodeCursor('entities', ['string'], 'not a cursor')).toBeNull();
  });
});

describe(prefixUpperBound.name, () => {
  it('should bound every string with the prefix, in code-point order', () => {
    expect(prefixUpperBound('room:')).toBe('room;');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{D7FF}')).toBe('\u{E000}');
    expect(prefixUpperBound('\u{10FFFF}')).toBeUndefined();
  });

  it('should sort above every extension of the prefix', () => {
    const upper = prefixUpperBound('ab') as string;
    for (const s of ['ab', 'ab\u{10FFFF}', 'abzzz', 'ab\u{1F600}']) {
      expect(Buffer.compare(Buffer.from(s), Buffer.from(upper))).toBe(-1);
    }
    expect(Buffer.compare(Buffer.from('ac'), Buffer.from(upper))).toBe(0);
  });
});
