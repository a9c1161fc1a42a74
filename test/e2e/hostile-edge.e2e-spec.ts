import { MAX_PATH_PARAM_CHARS } from '../../src/common/text-rules';
import { connect } from 'node:net';
import type { Response } from 'supertest';
import { describeEachDatabase } from './utils/databases';
import { eventually } from './utils/eventually';
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

/** Writes `raw` to a fresh connection and reads until the server closes it. */
function rawRequest(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function expectProblem(res: Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({ status, code });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

describeEachDatabase('Hostile input at the HTTP edge (e2e)', (db) => {
  let t: TestApp;
  /** Set once the app listens on a real port (for raw-socket tests). */
  let baseUrl: string | undefined;

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

  describe('errors Fastify and node raise themselves', () => {
    it('should answer a malformed URL with a 400 problem carrying the request id', async () => {
      const res = await t.http.get('/api/v1/memories/%E0%A4%A').set('x-request-id', 'bad-url-1');
      expectProblem(res, 400, 'malformed_url');
      expect(res.body.requestId).toBe('bad-url-1');
    });

    it('should answer a path parameter over the length limit with a 414 problem', async () => {
      expectProblem(
        await t.http.get(`/api/v1/memories/${'a'.repeat(MAX_PATH_PARAM_CHARS + 1)}`),
        414,
        'uri_too_long',
      );
    });

    it('should answer an unsupported body type with a 415 problem', async () => {
      expectProblem(
        await post('/api/v1/memories', 'content=x', 'application/x-www-form-urlencoded'),
        415,
        'unsupported_media_type',
      );
    });

    it('should answer an empty JSON body with a 400 problem', async () => {
      expectProblem(await post('/api/v1/memories', ''), 400, 'malformed_json');
    });

    it('should answer a prototype-poisoning body with a 400 problem', async () => {
      const before = await treeSize();
      expectProblem(
        await post('/api/v1/memories', '{"content":{"__proto__":{"x":1}}}'),
        400,
        'malformed_json',
      );
      expect(await treeSize()).toBe(before);
    });

    it('should answer an unknown route with a 404 problem', async () => {
      expectProblem(await t.http.post('/api/v1/nowhere').send({}), 404, 'route_not_found');
    });

    it('should answer with a 503 problem while the app shuts down', async () => {
      // The flag Nest sets at the start of shutdown, before it stops serving.
      const adapter = t.app.getHttpAdapter() as unknown as { isShuttingDown: boolean };
      adapter.isShuttingDown = true;
      try {
        const res = await t.http.get('/api/v1/log/head').set('x-request-id', 'closing-1');
        expectProblem(res, 503, 'service_unavailable');
        expect(res.body.requestId).toBe('closing-1');
      } finally {
        adapter.isShuttingDown = false;
      }
    });

    it.each([
      [
        'headers over the limit',
        431,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      ],
      ['a malformed request line', 400, 'GET / NOT-HTTP\r\n\r\n'],
    ])('should answer %s, refused by node, with a %i problem', async (_what, status, raw) => {
      baseUrl ??= await t.listen();
      const url = new URL(baseUrl);
      const answer = await rawRequest(Number(url.port), raw);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      const id = /\r\nx-request-id: (\S+)/i.exec(head)?.[1];
      expect(JSON.parse(body)).toMatchObject({ status, requestId: id });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('problem details', () => {
    it("should not pass a driver's message on in a failed component's 503", async () => {
      const broken = await TestApp.create({ db });
      try {
        const table = db === 'postgres' ? `"${broken.schema}".world_facts` : 'world_facts';
        await broken.dataSource.query(`ALTER TABLE ${table} RENAME TO world_facts_gone`);
        await broken.http
          .post('/api/v1/world/observations')
          .send({ facts: [{ subject: 's', predicate: 'p', object: 1 }] });
        const res = await eventually(async () => {
          const answer = await broken.http.get('/api/v1/world/coherence');
          expect(answer.body.detail).toMatch(/it is failed/);
          return answer;
        }, 10_000);
        expectProblem(res, 503, 'component_unavailable');
        // The kernel keeps only the driver error's class and code (src/kernel/public-error.ts).
        expect(res.body.detail).toMatch(
          /^The world-model component is not available: it is failed \(.*; the details are in the log\)$/,
        );
        expect(JSON.stringify(res.body)).not.toMatch(/world_facts|relation|no such table/);
      } finally {
        await broken.destroy();
      }
    });
  });

  describe('fields named like Object.prototype members', () => {
    it.each(['constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf'])(
      'should refuse %s as an unknown field of a DTO body',
      async (name) => {
        const before = await treeSize();
        const world = `{"facts":[{"subject":"s","predicate":"p","object":1}],"${name}":"x"}`;
        const memory = `{"content":"x","${name}":"x"}`;
        for (const [url, body] of [
          ['/api/v1/world/observations', world],
          ['/api/v1/memories', memory],
        ]) {
          const res = await post(url, body);
          expectProblem(res, 400, 'validation_failed');
          expect(res.body.detail).toContain(name);
        }
        expect(await treeSize()).toBe(before);
      },
    );

    it('should keep such names as data inside memory content', async () => {
      const content = { constructor: 'a', toString: 'b', prototype: { valueOf: 1 } };
      const res = await post('/api/v1/memories', JSON.stringify({ content })).expect(201);
      const got = await t.http.get(`/api/v1/memories/${res.body.id as string}`).expect(200);
      expect(got.body.content).toEqual(content);
    });
  });

  describe('NUL and lone surrogates', () => {
    it.each([
      ['a NUL in memory content', '/api/v1/memories', '{"content":{"note":"a\\u0000b"}}'],
      ['a lone surrogate in a tag', '/api/v1/memories', '{"content":1,"tags":["\\ud800"]}'],
      [
        'a NUL in an observation subject',
        '/api/v1/world/observations',
        '{"facts":[{"subject":"s\\u0000","predicate":"p","object":1}]}',
      ],
      ['a NUL in a member name', '/api/v1/memories', '{"content":{"a\\u0000":1}}'],
    ])('should refuse %s with 400 invalid_text on both databases', async (_what, url, body) => {
      const before = await treeSize();
      expectProblem(await post(url, body), 400, 'invalid_text');
      expect(await treeSize()).toBe(before);
    });

    it('should refuse a NUL in a path or a query value', async () => {
      expectProblem(await t.http.get('/api/v1/world/entities/a%00b'), 400, 'invalid_text');
      expectProblem(await t.http.get('/api/v1/world/entities/a%00b/history'), 400, 'invalid_text');
      expectProblem(await t.http.get('/api/v1/memories?q=a%00b'), 400, 'invalid_text');
    });

    it('should store astral characters and escaped control characters faithfully', async () => {
      const content = { note: '🦊 tab\t and \u0001' };
      const res = await post('/api/v1/memories', JSON.stringify({ content })).expect(201);
      const got = await t.http.get(`/api/v1/memories/${res.body.id as string}`).expect(200);
      expect(got.body.content).toEqual(content);
    });
  });
});
