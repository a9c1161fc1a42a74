import { violations } from './oracle';
import type { RawResponse } from './raw-http';
import { FuzzRequest } from './requests';
import { Entries, RawToken, serialize } from './values';

const REQ = new FuzzRequest('POST', '/api/v1/memories', [], Buffer.from('{}'));
const ID = 'req-1';

function response(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): RawResponse {
  return {
    status,
    headers: { 'x-request-id': ID, 'content-type': 'application/problem+json', ...headers },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

const problem = (status: number, extra: Record<string, unknown> = {}) =>
  response(status, { status, code: 'x', requestId: ID, ...extra });

/** The oracle is what makes the fuzz suite fail: it must see each way a response can break the promise. */
describe('fuzz oracle', () => {
  it('should accept a problem+json error that names the request id', () => {
    expect(violations(REQ, problem(400))).toEqual([]);
    expect(
      violations(REQ, response(201, { id: 1 }, { 'content-type': 'application/json' })),
    ).toEqual([]);
  });

  it('should report every 5xx, a 503 included', () => {
    expect(violations(REQ, problem(500))).toEqual([expect.stringContaining('status 500')]);
    expect(violations(REQ, problem(503, { code: 'component_unavailable' }))).toEqual([
      expect.stringContaining('status 503'),
    ]);
  });

  it('should report an error that is not problem+json, or names another request', () => {
    expect(violations(REQ, problem(404, { requestId: 'other' }))).toEqual([
      expect.stringContaining('requestId other'),
    ]);
    expect(
      violations(REQ, response(400, { statusCode: 400 }, { 'content-type': 'application/json' })),
    ).toEqual([expect.stringContaining('not application/problem+json')]);
    const noId = problem(400);
    delete noId.headers['x-request-id'];
    expect(violations(REQ, noId)).toContain('no x-request-id header');
  });

  it('should report SQL, a stack trace or a host path, unless the request sent it', () => {
    for (const leak of [
      'SELECT "id" FROM "memory" WHERE x',
      'SQLITE_CONSTRAINT: NOT NULL',
      'TypeError: x is undefined\n    at Foo.bar (/srv/app/dist/main.js:1:2)',
      'cannot open "/tmp/phoenix-e2e-1/db.sqlite"',
    ]) {
      expect(violations(REQ, problem(400, { detail: leak }))).not.toEqual([]);
    }
    const echo = new FuzzRequest('GET', '/x', [], Buffer.from('SELECT a FROM b'));
    expect(violations(echo, problem(400, { detail: 'SELECT a FROM b' }))).toEqual([]);
  });

  it('should write duplicate keys and tokens JSON.stringify cannot', () => {
    expect(
      serialize(
        new Entries([
          ['a', 1],
          ['a', new RawToken('1e999')],
          ['__proto__', {}],
        ]),
      ),
    ).toBe('{"a":1,"a":1e999,"__proto__":{}}');
  });
});
