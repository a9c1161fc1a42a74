import { MIN_NODE_MAJOR, unsupportedRuntime } from './runtime';

describe('unsupportedRuntime', () => {
  it('should accept the supported line and later ones', () => {
    expect(unsupportedRuntime('24.22.3')).toBeNull();
    expect(unsupportedRuntime('26.1.0')).toBeNull();
  });

  it('should refuse an older line, naming it and the line to use', () => {
    expect(unsupportedRuntime('20.20.2')).toBe(
      `Node.js 20.20.2 is not supported; run on Node.js ${MIN_NODE_MAJOR} or later ` +
        '(`npm start` and `npm test` use the one `npm ci` installs into node_modules/.bin)',
    );
    expect(unsupportedRuntime('22.12.0')).toMatch(/^Node\.js 22\.12\.0 is not supported/);
  });

  it('should refuse a version it cannot read', () => {
    expect(unsupportedRuntime('')).not.toBeNull();
  });

  it('should be satisfied by the runtime the tests run on', () => {
    expect(unsupportedRuntime(process.versions.node)).toBeNull();
  });
});
