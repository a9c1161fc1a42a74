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
});
