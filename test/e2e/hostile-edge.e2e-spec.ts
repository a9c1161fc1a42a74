import type { Response } from 'supertest';
import { describeEachDatabase } from './utils/databases';
import { TestApp } from './utils/test-app';

const PROBLEM = /^application\/problem\+json/;
const MAX_DEPTH = 64;

/** `[[[…1…]]]` nested `depth` levels deep (arrays), or objects when `key` is given. */
function nested(depth: number, key?: string): string {
  return key === undefined
    ? '['.repeat(depth) + '1' + ']'.repeat(depth)
    : `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A body for each write route, with `inner` where a route accepts any JSON value. */
const ROUTES: Array<[string, (inner: string) => string]> = [
  ['/api/v1/memories', (inner) => `{"content":${inner}}`],
  ['/api/v1/conscience/evaluations', (inner) => `{"action":{"type":"a"},"context":{"x":${inner}}}`],
  [
    '/api/v1/world/observations',
    (inner) => `{"facts":[{"subject":"s","predicate":"p","object":${inner}}]}`,
  ],
];

function expectProblem(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({ status, code });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

describeEachDatabase('Hostile input at the HTTP edge (e2e)', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.create({ db, env: { PHOENIX_MAX_JSON_DEPTH: String(MAX_DEPTH) } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  async function treeSize(): Promise<number> {
    const res = await t.http.get('/api/v1/log/head').expect(200);
    return (res.body as { treeSize: number }).treeSize;
  }

  /** Sends `body` as is (superagent would serialize a Buffer to JSON). */
  function post(url: string, body: string | Buffer, contentType = 'application/json') {
    return t.http
      .post(url)
      .set('content-type', contentType)
      .serialize((raw: unknown) => raw as string)
      .send(body);
  }

  describe('JSON nesting depth', () => {
    it.each(ROUTES)(
      'should refuse a body nested 10,000 deep on %s with 400 json_too_deep',
      async (url, body) => {
        const before = await treeSize();
        for (const inner of [nested(10_000), nested(10_000, 'a')]) {
          expectProblem(await post(url, body(inner)), 400, 'json_too_deep');
        }
        expect(await treeSize()).toBe(before);
      },
    );

    it('should refuse a body one level over the limit and accept one at the limit', async () => {
      const before = await treeSize();
      // `{"content": …}` is one level; the content fills the rest.
      expectProblem(
        await post('/api/v1/memories', `{"content":${nested(MAX_DEPTH)}}`),
        400,
        'json_too_deep',
      );
      expect(await treeSize()).toBe(before);
      await post('/api/v1/memories', `{"content":${nested(MAX_DEPTH - 1)}}`).expect(201);
      expect(await treeSize()).toBe(before + 1);
    });
  });

  describe('character encoding', () => {
    it('should refuse invalid UTF-8 in a JSON body with 400 and store nothing', async () => {
      const before = await treeSize();
      const body = Buffer.concat([
        Buffer.from('{"content":"caf'),
        Buffer.from([0xc3, 0x28]), // a lead byte followed by an ASCII byte
        Buffer.from('"}'),
      ]);
      expectProblem(await post('/api/v1/memories', body), 400, 'invalid_utf8');
      expectProblem(
        await post('/api/v1/memories', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
        400,
        'invalid_utf8',
      );
      expect(await treeSize()).toBe(before);
    });

    it('should answer a charset other than UTF-8 with 415', async () => {
      const before = await treeSize();
      for (const type of [
        'application/json; charset=iso-8859-1',
        'application/json; charset="utf-16"',
      ]) {
        expectProblem(
          await post('/api/v1/memories', '{"content":"x"}', type),
          415,
          'unsupported_media_type',
        );
      }
      expect(await treeSize()).toBe(before);
    });

    it('should accept a JSON body declared as UTF-8 and keep its bytes', async () => {
      const res = await post(
        '/api/v1/memories',
        Buffer.from('{"content":"café ☕"}'),
        'application/json; charset=UTF-8',
      ).expect(201);
      const got = await t.http.get(`/api/v1/memories/${res.body.id as string}`).expect(200);
      expect(got.body.content).toBe('café ☕');
    });
  });
});
