import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function request(...rawHeaders: string[]): IncomingMessage {
  return { rawHeaders } as unknown as IncomingMessage;
}

describe(requestIdFor.name, () => {
  it('should keep a short printable id the caller sent, whatever the header’s case', () => {
    expect(requestIdFor(request('Host', 'x', 'X-Request-ID', 'abc-123.4:5_6'))).toBe(
      'abc-123.4:5_6',
    );
    expect(requestIdFor(request('x-request-id', 'trace-1'))).toBe('trace-1');
  });

  it('should make a UUID when none was sent', () => {
    const id = requestIdFor(request('Host', 'x'));
    expect(id).toMatch(UUID);
    expect(requestIdFor(request('Host', 'x'))).not.toBe(id);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline escape', 'a\\nb'],
    ['empty', ''],
  ])('should replace an id that is %s', (_what, value) => {
    expect(requestIdFor(request('x-request-id', value))).toMatch(UUID);
  });

  it('should replace an id sent twice', () => {
    expect(requestIdFor(request('x-request-id', 'one', 'X-Request-Id', 'two'))).toMatch(UUID);
  });
});
