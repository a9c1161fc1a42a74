import fc from 'fast-check';
import { parseDateTime, parseObservation } from './observation';

const fact = (over: Record<string, unknown> = {}) => ({
  subject: 'sky',
  predicate: 'colour',
  object: 'blue',
  ...over,
});

describe(parseObservation.name, () => {
  it('should accept facts and apply the defaults', () => {
    const result = parseObservation({ facts: [fact()], source: 'camera-3' });
    expect(result).toEqual({
      ok: true,
      facts: [
        {
          subject: 'sky',
          predicate: 'colour',
          object: 'blue',
          confidence: 1,
          validFrom: null,
          cardinality: 'one',
        },
      ],
    });
  });

  it('should accept every JSON scalar and null as the object', () => {
    for (const object of ['x', 0, -1.5, true, false, null]) {
      expect(parseObservation({ facts: [fact({ object })] }).ok).toBe(true);
    }
  });

  it('should read validFrom as UTC milliseconds, with any offset', () => {
    const result = parseObservation({
      facts: [fact({ validFrom: '2026-01-31T09:00:00.250+01:00', cardinality: 'many' })],
    });
    expect(result.ok && result.facts[0]).toMatchObject({
      validFrom: Date.UTC(2026, 0, 31, 8, 0, 0, 250),
      cardinality: 'many',
    });
  });

  it.each([
    [{ facts: [] }, 'facts'],
    [{}, 'facts'],
    [{ facts: 'x' }, 'facts'],
    [{ facts: [fact()], extra: 1 }, 'extra'],
    [{ facts: [fact(), 'x'] }, 'facts[1]'],
    [{ facts: [fact(), fact({ subject: '' })] }, 'facts[1].subject'],
    [{ facts: [fact({ subject: '   ' })] }, 'facts[0].subject'],
    [{ facts: [fact({ predicate: 'p'.repeat(257) })] }, 'facts[0].predicate'],
    [{ facts: [fact({ predicate: 3 })] }, 'facts[0].predicate'],
    [{ facts: [fact(), fact(), fact(), fact({ object: { a: 1 } })] }, 'facts[3].object'],
    [{ facts: [fact({ object: [1] })] }, 'facts[0].object'],
    [{ facts: [{ subject: 's', predicate: 'p' }] }, 'facts[0].object'],
    [{ facts: [fact({ confidence: 1.5 })] }, 'facts[0].confidence'],
    [{ facts: [fact({ confidence: '1' })] }, 'facts[0].confidence'],
    [{ facts: [fact({ validFrom: 'yesterday' })] }, 'facts[0].validFrom'],
    [{ facts: [fact({ validFrom: '2026-02-30T00:00:00Z' })] }, 'facts[0].validFrom'],
    [{ facts: [fact({ validFrom: '2026-01-01T00:00:00' })] }, 'facts[0].validFrom'],
    [{ facts: [fact({ cardinality: 'two' })] }, 'facts[0].cardinality'],
    [{ facts: [fact({ colour: 'x' })] }, 'facts[0].colour'],
    [{ facts: [fact()], source: 7 }, 'source'],
  ])('should refuse %j naming %s', (content, field) => {
    const result = parseObservation(content);
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors)).toContain(field);
  });

  it('should refuse content that is not an object', () => {
    for (const content of [null, 1, 'facts', [fact()]]) {
      expect(parseObservation(content)).toEqual({
        ok: false,
        errors: { content: [expect.any(String)] },
      });
    }
  });

  it('should refuse more facts than allowed, naming facts', () => {
    const result = parseObservation({ facts: [fact(), fact(), fact()] }, { maxFacts: 2 });
    expect(result).toEqual({
      ok: false,
      errors: { facts: ['must contain at most 2 facts (got 3)'] },
    });
    expect(parseObservation({ facts: [fact(), fact()] }, { maxFacts: 2 }).ok).toBe(true);
  });

  it('should name every bad field at once', () => {
    const result = parseObservation({ facts: [fact({ subject: '' }), fact({ object: {} })] });
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual([
      'facts[0].subject',
      'facts[1].object',
    ]);
  });
});

describe(parseDateTime.name, () => {
  it('should accept RFC 3339 date-times and refuse impossible ones', () => {
    expect(parseDateTime('2024-02-29T23:59:59.999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(parseDateTime('2023-02-29T00:00:00Z')).toBeNull();
    expect(parseDateTime('2024-01-01T24:00:00Z')).toBeNull();
    expect(parseDateTime('2024-01-01T00:00:00+24:00')).toBeNull();
    expect(parseDateTime('2024-01-01')).toBeNull();
  });

  it('should agree with Date.parse on every valid date-time', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('', '.5', '.123', '.1234567'),
        fc.constantFrom('Z', '+00:00', '+05:30', '-11:45'),
        (date, fraction, zone) => {
          const text = `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}${fraction}${zone}`;
          expect(parseDateTime(text)).toBe(Date.parse(text));
        },
      ),
    );
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
    'should refuse a content or fact key named %s with a field error, not a TypeError',
    (name) => {
      const fact = { subject: 's', predicate: 'p', object: 1, [name]: 1 };
      const parsed = parseObservation({ facts: [fact], [name]: 1 });
      expect(parsed).toEqual({
        ok: false,
        errors: expect.objectContaining({
          [name]: [expect.stringContaining('is not allowed')],
          [`facts[0].${name}`]: ['is not allowed'],
        }),
      });
    },
  );
});
