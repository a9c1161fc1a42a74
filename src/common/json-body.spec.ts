import { charsetOf, withinJsonDepth } from './json-body';

describe(withinJsonDepth.name, () => {
  it('should count arrays and objects, not scalars', () => {
    expect(withinJsonDepth('1', 1)).toBe(true);
    expect(withinJsonDepth('{"a":[1,{"b":2}]}', 3)).toBe(true);
    expect(withinJsonDepth('{"a":[1,{"b":2}]}', 2)).toBe(false);
  });

  it('should measure the deepest branch, not the total of brackets', () => {
    expect(withinJsonDepth('[[1],[2],[3],[4]]', 2)).toBe(true);
  });

  it('should ignore brackets and escaped quotes inside strings', () => {
    expect(withinJsonDepth('{"a":"[[[{{{"}', 1)).toBe(true);
    expect(withinJsonDepth('{"a":"\\"[[[","b":"\\\\"}', 1)).toBe(true);
    expect(withinJsonDepth('{"a\\"":[[1]]}', 2)).toBe(false);
  });

  it('should stop at the limit on a very deep body', () => {
    expect(withinJsonDepth('['.repeat(1_000_000), 64)).toBe(false);
  });
});

describe(charsetOf.name, () => {
  it('should read the charset parameter, lowercased and unquoted', () => {
    expect(charsetOf('application/json; charset=UTF-8')).toBe('utf-8');
    expect(charsetOf('application/json;charset="ISO-8859-1"')).toBe('iso-8859-1');
    expect(charsetOf('application/json; foo=bar; Charset=utf-16')).toBe('utf-16');
  });

  it('should give undefined without a charset', () => {
    expect(charsetOf('application/json')).toBeUndefined();
    expect(charsetOf(undefined)).toBeUndefined();
  });
});
