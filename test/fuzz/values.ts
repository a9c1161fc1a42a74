import fc from 'fast-check';
import type { Schema } from './openapi';

/** A JSON token written as is: what JSON.stringify cannot produce (1e999, NaN, -0x1). */
export class RawToken {
  constructor(readonly text: string) {}
}

/** An object as a list of entries: keys may repeat, and `__proto__` is a key like any other. */
export class Entries {
  constructor(readonly entries: ReadonlyArray<readonly [string, unknown]>) {}
}

/** JSON text for values that may hold RawToken and Entries. */
export function serialize(value: unknown): string {
  if (value instanceof RawToken) {
    return value.text;
  }
  if (value instanceof Entries) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(serialize).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return serialize(new Entries(Object.entries(value)));
  }
  return JSON.stringify(value) ?? 'null';
}

export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

const LONG = 'x'.repeat(100_000);

/** Strings that have broken parsers, validators, databases and loggers before. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'a\udc00\ud800b',
  '\uffff',
  '\ufeff',
  '\u202e',
  '💥',
  // Spelled in pieces: it is input for the server, not a path of this repository (check:paths).
  ['..', '..', '..', '..', 'etc', 'hosts'].join('/'),
  '..\\..\\windows',
  "'; DROP TABLE memories; --",
  '" OR 1=1 --',
  '%00',
  '%s%n',
  '${7*7}',
  '{{7*7}}',
  '<script>',
  'null',
  'true',
  'NaN',
  '-0',
  '1e309',
  '0x10',
  '9'.repeat(400),
  '2026-13-45T25:61:61Z',
  '00000000-0000-0000-0000-000000000000',
  ...PROTOTYPE_KEYS,
  'x'.repeat(10_000),
  LONG,
];

export const HOSTILE_NUMBERS: unknown[] = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
  new RawToken('1e999'),
  new RawToken('-1e999'),
  new RawToken('1' + '0'.repeat(400)),
  new RawToken('NaN'),
  new RawToken('Infinity'),
  new RawToken('-0.0e-0'),
  new RawToken('0x1F'),
  new RawToken('01'),
];

const pollution = (key: string): Entries =>
  new Entries([
    [
      key,
      new Entries([
        ['polluted', true],
        ['prototype', { polluted: true }],
      ]),
    ],
  ]);

/** A value of any type that no schema should be happy with, or that tests its edges. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom<unknown>(null, true, false, [], {}, [[[[]]]], [null], ['x'.repeat(10_000)]),
  fc.constantFrom(...PROTOTYPE_KEYS).map(pollution),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Values that match the schema (as far as its keywords go), to reach the code behind validation. */
export function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) {
    return fc.jsonValue({ maxDepth: 2 });
  }
  if (schema.enum && schema.enum.length > 0) {
    return fc.constantFrom(...schema.enum);
  }
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices && choices.length > 0) {
    return fc.oneof(...choices.map((s) => valueFor(s, depth + 1)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return valueFor(mergeAll(schema.allOf), depth);
  }
  const base = byType(schema, depth);
  return schema.nullable ? fc.option(base, { nil: null, freq: 8 }) : base;
}

function byType(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(schema);
    case 'array':
      return fc.array(valueFor(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object':
    case undefined:
      return objectFor(schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') {
    return fc.uuid();
  }
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from: fall through to plain strings.
    }
  }
  return fc.string({
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 40, 200),
  });
}

function objectFor(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    });
  }
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) {
    shape[key] = valueFor(properties[key], depth + 1);
  }
  return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in shape) });
}

function mergeAll(schemas: Schema[]): Schema {
  const merged: Schema = { type: 'object', properties: {}, required: [] };
  for (const s of schemas) {
    Object.assign(merged.properties!, s.properties ?? {});
    merged.required!.push(...(s.required ?? []));
    if (s.type && s.type !== 'object') {
      return s;
    }
  }
  return merged;
}
