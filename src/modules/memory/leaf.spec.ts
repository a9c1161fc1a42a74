import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  CONTENT_TYPE,
  CanonicalJsonError,
  LEAF_VERSION,
  LeafFields,
  MAX_NESTING,
  canonicalJson,
  contentSha256,
  leafInput,
} from './leaf';

const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe(canonicalJson.name, () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialization.
  const numberVectors: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(numberVectors)('should serialize the double %s as %s', (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
  });

  it('should format numbers written in other notations canonically', () => {
    expect(canonicalJson(JSON.parse('[1E-7, 1e21, 1E+20, -0, 4.50, 2e-3, 100]'))).toBe(
      '[1e-7,1e+21,100000000000000000000,0,4.5,0.002,100]',
    );
  });

  it('should reproduce the RFC 8785 §3.2.2 example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      String.raw`"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it('should sort keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // The emoji (U+1F600, surrogates D83D DE00) sorts before U+FB33: code units, not code points.
    // (Compared as text: Object.keys would hoist the integer-like key "1".)
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('should sort nested keys and keep array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: 'x', B: true })).toBe(
      '{"B":true,"a":"x","b":[3,{"a":2,"z":1}]}',
    );
  });

  it('should escape strings like JSON.stringify and keep non-ASCII characters literal', () => {
    expect(canonicalJson('tab\there "q" \\ \u0001 \u007f é \u2028')).toBe(
      '"tab\\there \\"q\\" \\\\ \\u0001 \u007f é \u2028"',
    );
  });

  it('should follow JSON.stringify for undefined inside containers', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: null })).toBe('{"b":[null],"c":null}');
  });

  it('should use toJSON like JSON.stringify', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 10, 27, 15, 5, 55, 123)) })).toBe(
      '{"at":"2026-11-27T15:05:55.123Z"}',
    );
  });

  it.each([
    ['undefined', undefined],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity in an array', [1, -Infinity]],
    ['a bigint', { n: 10n }],
    ['a function in an object', { f: () => 1 }],
    ['a symbol in an array', [Symbol('s')]],
    ['a lone surrogate in a string', { s: 'a\ud800b' }],
    ['a lone surrogate in a key', { ['\udc00']: 1 }],
  ])('should throw a CanonicalJsonError for %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
  });

  it('should name the path of the offending value', () => {
    expect(() => canonicalJson({ a: [0, { b: NaN }] })).toThrow('$["a"][1]["b"]');
  });

  it('should reject cycles instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });

  it('should accept shared (non-cyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe(`${canonicalJson.name}, on deep nesting`, () => {
  const nested = (levels: number, wrap: (inner: unknown) => unknown): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) {
      value = wrap(value);
    }
    return value;
  };

  it.each([
    ['objects', (inner: unknown) => ({ a: inner })],
    ['arrays', (inner: unknown) => [inner]],
    ['toJSON results', (inner: unknown) => ({ toJSON: () => [inner] })],
  ])(
    'should refuse 10,000 levels of %s with a CanonicalJsonError, not a stack overflow',
    (_, wrap) => {
      expect(() => canonicalJson(nested(10_000, wrap))).toThrow(
        new CanonicalJsonError(`nested deeper than ${MAX_NESTING} levels`, '$'),
      );
      expect(() => contentSha256(nested(10_000, wrap))).toThrow(CanonicalJsonError);
    },
  );

  it('should still write values nested up to the limit', () => {
    const text = canonicalJson(nested(MAX_NESTING - 1, (inner) => [inner]));
    expect(text).toBe(`${'['.repeat(MAX_NESTING - 1)}1${']'.repeat(MAX_NESTING - 1)}`);
  });
});

describe(`${canonicalJson.name}, beside the canonicalize library`, () => {
  // The fast path writes with JSON.stringify; every byte must match the library's, or leaf
  // hashes would change.
  it('should write the same text for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('should write the same text for any JSON text parsed', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary-ascii' }), (text) => {
        const value: unknown = JSON.parse(text);
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['keys that look like array indices', { 10: 'a', 9: 'b', a: 1, '01': 2 }],
    ['a __proto__ key, as JSON.parse makes it', JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}')],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { b: 1, a: 2 })],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['toJSON deep inside', { b: [{ at: new Date(0) }], a: 1 }],
    [
      'a class instance',
      {
        v: new (class Point {
          y = 2;
          x = 1;
        })(),
      },
    ],
    ['boxed primitives', { n: Object(1) as unknown, s: Object('s') as unknown }],
    ['a Map', { m: new Map([['a', 1]]) }],
    ['undefined and symbols inside containers', { u: undefined, a: [undefined, 1] }],
    ['negative zero and large numbers', { z: -0, big: 1e21, small: 1e-7, max: Number.MAX_VALUE }],
    ['text that looks like an escape', { s: '\\ud800 \\udfff', k: 'pair \ud83d\ude00' }],
    ['a well-formed surrogate pair in a key', { '\ud83d\ude00': 1, a: 2 }],
  ])('should write what the library writes for %s', (_label, value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('should write values nested deeper than the fast path goes', () => {
    let deep: unknown = { b: 1, a: 'x' };
    for (let i = 0; i < 600; i += 1) {
      deep = i % 2 ? [deep] : { y: deep, x: i };
    }
    expect(canonicalJson(deep)).toBe(canonicalize(deep));
  });

  it('should refuse a lone surrogate written as an escape by JSON.stringify, even after a backslash', () => {
    expect(() => canonicalJson({ s: '\\\ud800' })).toThrow(/lone UTF-16 surrogate/);
    expect(() => canonicalJson(['ok', { ['a\udfff']: 1 }])).toThrow('$[1]["a\\udfff"]');
  });
});

describe(contentSha256.name, () => {
  it('should hash the UTF-8 bytes of the canonical JSON', () => {
    const content = { b: [1, 2.5, 'x'], a: { é: true, z: null } };
    // 'z' (U+007A) sorts before 'é' (U+00E9).
    const expectedCanonical = '{"a":{"z":null,"é":true},"b":[1,2.5,"x"]}';
    const result = contentSha256(content);
    expect(result.canonical).toBe(expectedCanonical);
    expect(result.sha256).toBe(sha256Hex(Buffer.from(expectedCanonical, 'utf8')));
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    // 'é' takes two bytes in UTF-8.
    expect(result.sizeBytes).toBe(expectedCanonical.length + 1);
  });

  it('should give the same digest for differently ordered but equal content', () => {
    expect(contentSha256({ a: 1, b: 2 }).sha256).toBe(contentSha256({ b: 2, a: 1.0 }).sha256);
  });

  it('should hash scalar content', () => {
    expect(contentSha256('hi').sha256).toBe(sha256Hex('"hi"'));
    expect(contentSha256(null).sizeBytes).toBe(4);
  });

  it('should refuse content that cannot be canonicalized', () => {
    expect(() => contentSha256(undefined)).toThrow(CanonicalJsonError);
  });
});

describe(leafInput.name, () => {
  const content = { text: 'Meeting moved to Thursday', attendees: ['Zoë', 'Adam'], priority: 2 };
  const fields: LeafFields = {
    id: '3f1c9a52-7b1e-4d2a-9c3e-8a4b5d6e7f01',
    kind: 'observation',
    contentType: CONTENT_TYPE,
    contentSha256: contentSha256(content).sha256,
    tags: ['schedule', 'Work', 'meeting'],
    createdAt: '2026-11-27T15:05:55.123Z',
  };

  it('should encode the worked example from docs/memory-log.md byte for byte', () => {
    const contentCanonical =
      '{"attendees":["Zoë","Adam"],"priority":2,"text":"Meeting moved to Thursday"}';
    const contentHash = sha256Hex(Buffer.from(contentCanonical, 'utf8'));
    expect(fields.contentSha256).toBe(contentHash);
    expect(contentHash).toBe('af63d2e60c7cdf9df9160e42d9ce1c4ee8538b0df5b6e653c60aea49b47b4f54');

    const expected =
      '{"contentSha256":"' +
      contentHash +
      '","contentType":"application/json","createdAt":"2026-11-27T15:05:55.123Z",' +
      '"id":"3f1c9a52-7b1e-4d2a-9c3e-8a4b5d6e7f01","kind":"observation",' +
      '"tags":["Work","meeting","schedule"],"v":1}';
    const input = leafInput(fields);
    expect(input.toString('utf8')).toBe(expected);
    expect(input.equals(Buffer.from(expected, 'utf8'))).toBe(true);

    const leafHash = sha256Hex(Buffer.concat([Buffer.from([0x00]), input]));
    expect(leafHash).toBe('fe8130011c7eed5db512fba70d713735830b4c8cd09689005a6195cc7a6ed7e1');
  });

  it('should carry the leaf version', () => {
    expect(LEAF_VERSION).toBe(1);
    expect(JSON.parse(leafInput(fields).toString('utf8'))).toMatchObject({ v: 1 });
  });

  it('should sort tags by UTF-16 code units without touching the caller array', () => {
    const tags = ['b', 'é', 'B', 'a', '\ud83d\ude00', '\ufb33', '10', '9'];
    const parsed = JSON.parse(leafInput({ ...fields, tags }).toString('utf8')) as LeafFields;
    expect(parsed.tags).toEqual(['10', '9', 'B', 'a', 'b', 'é', '\ud83d\ude00', '\ufb33']);
    expect(tags[0]).toBe('b');
  });

  it('should not de-duplicate tags', () => {
    const parsed = JSON.parse(
      leafInput({ ...fields, tags: ['x', 'a', 'x'] }).toString('utf8'),
    ) as LeafFields;
    expect(parsed.tags).toEqual(['a', 'x', 'x']);
  });

  it('should encode an empty tag list', () => {
    expect(leafInput({ ...fields, tags: [] }).toString('utf8')).toContain('"tags":[]');
  });

  it.each([
    ['an upper-case content hash', { contentSha256: 'A'.repeat(64) }],
    ['a short content hash', { contentSha256: 'ab' }],
    ['createdAt without milliseconds', { createdAt: '2026-11-27T15:05:55Z' }],
    ['createdAt with an offset', { createdAt: '2026-11-27T15:05:55.123+01:00' }],
    ['an impossible createdAt', { createdAt: '2026-13-45T15:05:55.123Z' }],
    ['an empty id', { id: '' }],
    ['a non-string tag', { tags: ['ok', 3] }],
  ])('should reject %s', (_label, override) => {
    expect(() => leafInput({ ...fields, ...(override as Partial<LeafFields>) })).toThrow(TypeError);
  });
});
