import { ComponentUnavailableError } from '../common/errors/domain-error';
import { publicErrorMessage } from './public-error';

class QueryFailedError extends Error {
  override name = 'QueryFailedError';
}

describe(publicErrorMessage.name, () => {
  it('should show a driver error by its class and code only', () => {
    const error = Object.assign(
      new QueryFailedError('relation "world_skipped" does not exist at host db.internal'),
      { code: '42P01' },
    );
    expect(publicErrorMessage(error)).toBe('QueryFailedError (42P01); the details are in the log');
  });

  it('should show a system error without the path it names', () => {
    const error = Object.assign(new Error("ENOENT: no such file, open '/srv/app/data/x.db'"), {
      code: 'ENOENT',
    });
    expect(publicErrorMessage(error)).toBe('Error (ENOENT); the details are in the log');
  });

  it("should show our own messages, with absolute paths cut to their file's name", () => {
    expect(publicErrorMessage(new Error('cannot open /srv/app/config/axioms.json now'))).toBe(
      'cannot open …/axioms.json now',
    );
    expect(publicErrorMessage(new ComponentUnavailableError('memory', 'it is stopped'))).toBe(
      new ComponentUnavailableError('memory', 'it is stopped').message,
    );
    expect(publicErrorMessage(new Error('start() did not finish within 50 ms'))).toBe(
      'start() did not finish within 50 ms',
    );
  });
  it('should show only the code of a thrown non-Error that carries one', () => {
    expect(publicErrorMessage({ code: 'SQLITE_ERROR', sql: 'SELECT * FROM world_facts' })).toBe(
      'Error (SQLITE_ERROR); the details are in the log',
    );
  });
});
