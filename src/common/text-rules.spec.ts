import { firstTextProblem, textProblem } from './text-rules';

describe('textProblem', () => {
  it('should accept ordinary text, astral characters included', () => {
    expect(textProblem('alice 🦊 ünïcode')).toBeNull();
  });

  it('should refuse U+0000 and lone surrogates', () => {
    expect(textProblem('a\u0000b')).toMatch(/U\+0000/);
    expect(textProblem('a\ud800b')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('\udc00')).toMatch(/lone UTF-16 surrogate/);
  });
});

describe('firstTextProblem', () => {
  it('should find a bad value or key anywhere, naming where', () => {
    expect(firstTextProblem({ facts: [{ subject: 'ok' }, { subject: 'x\u0000' }] })).toEqual({
      at: '/facts/1/subject',
      problem: expect.stringMatching(/NUL/),
    });
    expect(firstTextProblem({ a: { 'k\ud800': 1 } })).toEqual({
      at: '/a',
      problem: expect.stringMatching(/^a member name .*surrogate/),
    });
    expect(firstTextProblem('\u0000')).toEqual({ at: '/', problem: expect.any(String) });
  });

  it('should accept clean values and prototype-named keys as data', () => {
    expect(firstTextProblem({ constructor: 'x', toString: ['y'], n: 1, b: null })).toBeNull();
  });

  it('should walk 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
    }
    expect(firstTextProblem(deep)?.problem).toMatch(/NUL/);
  });
});
