import fc from 'fast-check';
import type { Operation, Parameter } from './openapi';
import type { RawRequest } from './raw-http';
import {
  Entries,
  HOSTILE_STRINGS,
  hostileValue,
  PROTOTYPE_KEYS,
  serialize,
  valueFor,
} from './values';

/** A generated request; prints short in fast-check's counterexamples, bytes escaped. */
export class FuzzRequest implements RawRequest {
  constructor(
    readonly method: string,
    readonly target: string,
    readonly headers: Array<[string, string]>,
    readonly body: Buffer | undefined,
  ) {}

  /** Whether the request may change state if it succeeds. */
  get isWrite(): boolean {
    return this.method !== 'GET' && this.method !== 'HEAD';
  }

  [fc.toStringMethod](): string {
    return this.describe();
  }

  describe(limit = 600): string {
    const clip = (s: string) => (s.length > limit ? `${s.slice(0, limit)}…(${s.length} chars)` : s);
    const headers = this.headers.map(([n, v]) => `${n}: ${clip(v)}`);
    const body =
      this.body === undefined
        ? ''
        : ` body(${this.body.length} bytes)=${clip(JSON.stringify(this.body.toString('latin1')))}`;
    return `${this.method} ${clip(this.target)} [${headers.join('; ')}]${body}`;
  }
}

type Headers = Array<[string, string]>;

export interface RequestContext {
  adminToken: string;
  /** The server's body limit: a body just over it must be a 413, not a crash. */
  bodyLimitBytes: number;
}

const JSON_TYPE = 'application/json';
const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16le',
  'application/json;',
  'APPLICATION/JSON',
  'application/json, text/plain',
  'application/merge-patch+json',
  'application/problem+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  '',
];

/** Path segments that have escaped routers and file servers, or broken a parameter parser. */
const HOSTILE_SEGMENTS = [
  '..',
  '../..',
  '..%2F..%2Fetc%2Fhosts',
  '%2e%2e',
  '%2e%2e%2f',
  '%00',
  'a%00b',
  '%2F',
  'a%2Fb',
  '%5C',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%',
  '%zz',
  '%20',
  '~',
  "'",
  ';x=1',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  'NaN',
  ...PROTOTYPE_KEYS,
  // Just over Fastify's default maxParamLength (100), then over Node's 16 KiB header limit.
  'x'.repeat(101),
  'x'.repeat(1000),
  'x'.repeat(10_000),
  'x'.repeat(20_000),
];

const ODD_QUERY_VALUES = [
  '%',
  '%zz',
  '%00',
  '%C3%28',
  '%ED%A0%80',
  '%FF',
  '+',
  '%2B',
  'a%26b%3Dc',
  '[]',
];

/** Percent-encodes only what may not appear raw in a request-target; `%`, `&`, `=` stay raw. */
function looseEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) =>
      byte > 0x20 && byte < 0x7f && byte !== 0x23
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

/** encodeURIComponent, except that a lone surrogate is sent (as U+FFFD) instead of throwing. */
function strictEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) =>
      /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte)) && byte < 0x80
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : serialize(v));

const encoded = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc
    .tuple(arb, fc.boolean())
    .map(([v, loose]) => (loose ? looseEncode(asText(v)) : strictEncode(asText(v))));

function pathSegment(param: Parameter): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: encoded(valueFor(param.schema)) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: encoded(fc.constantFrom(...HOSTILE_STRINGS)) },
    { weight: 1, arbitrary: encoded(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })) },
  );
}

function queryPairs(param: Parameter): fc.Arbitrary<string[]> {
  const key = strictEncode(param.name);
  const value = fc.oneof(
    { weight: 4, arbitrary: encoded(valueFor(param.schema)) },
    { weight: 2, arbitrary: encoded(hostileValue) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_QUERY_VALUES) },
  );
  return fc.oneof(
    { weight: param.required ? 1 : 3, arbitrary: fc.constant<string[]>([]) },
    { weight: 6, arbitrary: value.map((v): string[] => [`${key}=${v}`]) },
    {
      weight: 1,
      arbitrary: fc
        .array(value, { minLength: 2, maxLength: 3 })
        .map((vs) => vs.map((v) => `${key}=${v}`)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string[]>(
        [key],
        [`${key}=`],
        [`${key}[]=1`],
        [`${key}[a]=1`],
        [`${key}.a=1`],
        [`${key}=1&${key.toUpperCase()}=2`],
      ),
    },
  );
}

const extraQuery: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<string[]>([]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROTOTYPE_KEYS, 'unknown', '', '%00'), encoded(hostileValue))
      .map(([k, v]) => [`${k}=${v}`, `${k}[polluted]=${v}`]),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string[]>(['&&&'], ['='], ['%'], ['a=1;b=2'], ['x'.repeat(5000)]),
  },
);

/** A JSON body text from the schema, mutated or replaced by hostile content. */
function bodyText(op: Operation, ctx: RequestContext): fc.Arbitrary<Buffer> {
  const valid = valueFor(op.body);
  const mutated = fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom(...PROTOTYPE_KEYS, 'unknownKey', ''),
      hostileValue,
      fc.nat(3),
    )
    .map(([value, pick, extraKey, bad, how]) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return bad;
      }
      const entries = Object.entries(value);
      const key = entries.length > 0 ? entries[pick % entries.length][0] : extraKey;
      switch (how) {
        case 0:
          return new Entries(entries.map(([k, v]) => [k, k === key ? bad : v]));
        case 1:
          return new Entries([...entries, [extraKey, bad]]);
        case 2:
          return new Entries([...entries, [key, bad]]);
        default:
          return new Entries(entries.filter(([k]) => k !== key));
      }
    });
  const deep = fc
    .tuple(fc.constantFrom(100, 1000, 10_000, 50_000), fc.boolean())
    .map(([n, array]) =>
      array ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n),
    );
  const text = fc.oneof(
    { weight: 4, arbitrary: valid.map(serialize) },
    { weight: 4, arbitrary: mutated.map(serialize) },
    { weight: 2, arbitrary: hostileValue.map(serialize) },
    { weight: 1, arbitrary: deep },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '{',
        '[',
        '"',
        '{"a":',
        '{}{}',
        '{"a":1}x',
        '\ufeff{}',
        'x'.repeat(ctx.bodyLimitBytes + 1),
      ),
    },
  );
  const bytes = fc.tuple(text, fc.nat(), fc.nat(5)).map(([t, at, how]) => {
    const buf = Buffer.from(t, 'utf8');
    const cut = buf.length === 0 ? 0 : at % buf.length;
    switch (how) {
      case 0:
        return buf.subarray(0, cut);
      case 1:
        return Buffer.concat([
          buf.subarray(0, cut),
          Buffer.from(
            ['\xff', '\xc3\x28', '\xed\xa0\x80', '\xf8\x88\x80\x80\x80', '\xc0\xaf'][at % 5],
            'latin1',
          ),
          buf.subarray(cut),
        ]);
      default:
        return buf;
    }
  });
  return fc.oneof(
    { weight: 3, arbitrary: text.map((t) => Buffer.from(t, 'utf8')) },
    { weight: 1, arbitrary: bytes },
  );
}

/** Arbitrary requests for one operation: path, query, headers and body. */
export function requestsFor(op: Operation, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  const segments = fc.tuple(...op.pathParams.map(pathSegment));
  const query = fc
    .tuple(...op.queryParams.map(queryPairs), extraQuery)
    .map((pairs) => pairs.flat());
  const auth = op.secured
    ? fc.oneof(
        {
          weight: 8,
          arbitrary: fc.constant<Headers>([['authorization', `Bearer ${ctx.adminToken}`]]),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom<Headers>(
            [],
            [['authorization', 'Bearer ']],
            [['authorization', `Bearer ${ctx.adminToken}x`]],
            [['authorization', `Basic ${ctx.adminToken}`]],
          ),
        },
      )
    : fc.constant<Headers>([]);
  const requestId = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Headers>([]) },
    {
      weight: 1,
      arbitrary: fc
        .stringMatching(/^[A-Za-z0-9._:-]{1,40}$/)
        .map((id): Headers => [['x-request-id', id]]),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Headers>(
        [['x-request-id', 'a b']],
        [['x-request-id', 'x'.repeat(200)]],
        [['x-request-id', '../x']],
        [
          ['x-request-id', 'a'],
          ['x-request-id', 'b'],
        ],
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | undefined>(JSON_TYPE) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES) },
  );
  // An operation without a body gets one now and then; one with a body goes without now and then.
  const withBody = fc.option(bodyText(op, ctx), { nil: undefined, freq: 12 });
  const withoutBody = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: bodyText(op, ctx) },
  );
  return fc
    .record({
      segments,
      query,
      auth,
      requestId,
      contentType,
      body: op.body ? withBody : withoutBody,
    })
    .map(
      ({ segments: values, query: pairs, auth: a, requestId: rid, contentType: ct, body: b }) => {
        let path = op.path;
        op.pathParams.forEach((param, i) => {
          path = path.replace(`{${param.name}}`, values[i]);
        });
        const target = pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
        const headers: Array<[string, string]> = [...a, ...rid];
        if (b !== undefined && ct !== undefined) {
          headers.push(['content-type', ct]);
        }
        return new FuzzRequest(op.method, target, headers, b);
      },
    );
}
