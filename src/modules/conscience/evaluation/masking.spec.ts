import { applyMask, MASKED, MAX_POINTER_SEGMENTS, parsePointer } from './masking';

describe(applyMask.name, () => {
  const input = () => ({
    action: { type: 'send', payload: { password: 'hunter2', to: 'a@b.c' }, 'a/b': 1, 'm~n': 2 },
    context: {
      user: { email: 'x@y.z', name: 'X' },
      services: { crm: { token: 't1', url: 'u' }, mail: { token: 't2' } },
      list: [{ secret: 1 }, { secret: 2, keep: true }],
    },
  });

  it('should replace the values at the pointers and leave the input untouched', () => {
    const original = input();
    const masked = applyMask(original, ['/action/payload/password', '/context/user/email']);
    expect(masked.action.payload).toEqual({ password: MASKED, to: 'a@b.c' });
    expect(masked.context.user).toEqual({ email: MASKED, name: 'X' });
    expect(original).toEqual(input());
  });

  it('should mask every member matched by a * segment, in objects and arrays', () => {
    const masked = applyMask(input(), ['/context/services/*/token', '/context/list/*/secret']);
    expect(masked.context.services).toEqual({
      crm: { token: MASKED, url: 'u' },
      mail: { token: MASKED },
    });
    expect(masked.context.list).toEqual([{ secret: MASKED }, { secret: MASKED, keep: true }]);
  });

  it('should mask whole subtrees and array items by index', () => {
    const masked = applyMask(input(), ['/context/user', '/context/list/1']);
    expect(masked.context.user).toBe(MASKED);
    expect(masked.context.list).toEqual([{ secret: 1 }, MASKED]);
  });

  it('should follow RFC 6901 escapes and ignore pointers that lead nowhere', () => {
    const masked = applyMask(input(), ['/action/a~1b', '/action/m~0n', '/context/none/x', '/x']);
    expect(masked.action).toMatchObject({ 'a/b': MASKED, 'm~n': MASKED });
    expect(masked.context).toEqual(input().context);
    expect(Object.keys(masked)).toEqual(['action', 'context']);
  });

  it('should not create members that were absent', () => {
    const masked = applyMask({ action: { type: 't' }, context: {} }, ['/context/user/email']);
    expect(masked).toEqual({ action: { type: 't' }, context: {} });
  });

  it('should mask a member named __proto__ as data, leaving the prototype alone', () => {
    const document = JSON.parse('{"action":{"type":"t"},"context":{"__proto__":{"a":1}}}') as {
      action: object;
      context: Record<string, unknown>;
    };
    const masked = applyMask(document, ['/context/__proto__/a']);
    expect(Object.getPrototypeOf(masked.context)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(masked.context, '__proto__')?.value).toEqual({
      a: MASKED,
    });
    expect(JSON.stringify(document)).toBe(
      '{"action":{"type":"t"},"context":{"__proto__":{"a":1}}}',
    );
  });

  it('should take only index segments in arrays, never their length', () => {
    const document = { action: { type: 't' }, context: { list: [{ s: 1 }] } };
    const masked = applyMask(document, ['/context/list/length', '/context/list/01']);
    expect(masked).toEqual({ action: { type: 't' }, context: { list: [{ s: 1 }] } });
    expect(masked.context.list).toBe(document.context.list);
  });

  it('should keep holes and untouched items of arrays it masks in', () => {
    // eslint-disable-next-line no-sparse-arrays
    const masked = applyMask({ action: { type: 't' }, context: { list: [1, , { s: 2 }] } }, [
      '/context/list/*/s',
    ]);
    expect(1 in masked.context.list).toBe(false);
    expect(masked.context.list).toEqual([1, , { s: MASKED }]); // eslint-disable-line no-sparse-arrays
  });
});

describe(parsePointer.name, () => {
  it('should split and unescape, and refuse a pointer without a leading slash', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/~01/')).toEqual(['a/b', '~1', '']);
    expect(() => parsePointer('a/b')).toThrow(SyntaxError);
  });

  it('should refuse a pointer of 10,000 segments before walking a document that deep', () => {
    let document: object = { v: 1 };
    for (let i = 0; i < 10_000; i += 1) {
      document = { a: document };
    }
    expect(() => applyMask(document, ['/a'.repeat(10_000)])).toThrow(SyntaxError);
    const within = '/a'.repeat(MAX_POINTER_SEGMENTS);
    expect(JSON.stringify(applyMask(document, [within]))).toContain(MASKED);
  });
});
