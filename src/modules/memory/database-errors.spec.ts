import { failsAnyWrite } from './database-errors';

const withCode = (code: unknown) => Object.assign(new Error('x'), { code });

describe(failsAnyWrite.name, () => {
  it.each([
    'SQLITE_BUSY',
    'SQLITE_FULL',
    'SQLITE_IOERR_WRITE',
    'SQLITE_READONLY',
    '08006',
    '53100',
    '57P01',
    'XX000',
    'ECONNREFUSED',
    'EPIPE',
  ])('should say %s fails any write', (code) => {
    expect(failsAnyWrite(withCode(code))).toBe(true);
  });

  it.each([
    'SQLITE_CONSTRAINT_TRIGGER',
    'SQLITE_CONSTRAINT',
    'SQLITE_TOOBIG',
    '23505',
    '22001',
    '40P01',
    'P0001',
  ])('should say %s may come from one row', (code) => {
    expect(failsAnyWrite(withCode(code))).toBe(false);
  });

  it('should count an error without a code as caused by a row', () => {
    expect(failsAnyWrite(new TypeError('Leaf field kind must be a non-empty string'))).toBe(false);
    expect(failsAnyWrite(null)).toBe(false);
    expect(failsAnyWrite(withCode(42))).toBe(false);
  });
});
