import { ConfigError, loadConfig } from '../../config/environment';

/** The conscience's keys of the environment (PHOENIX_AXIOMS_*, PHOENIX_CONSCIENCE_*). */
describe('conscience configuration', () => {
  it('should default to ./axioms.json, watched every second, and 64 KiB of input', () => {
    expect(loadConfig({}).conscience).toEqual({
      axiomsPath: './axioms.json',
      watchIntervalMs: 1000,
      maxInputBytes: 65536,
    });
  });

  it('should read the keys, 0 turning the file watch off', () => {
    expect(
      loadConfig({
        PHOENIX_AXIOMS_PATH: '/etc/phoenix/axioms.json',
        PHOENIX_AXIOMS_WATCH_INTERVAL_MS: '0',
        PHOENIX_CONSCIENCE_MAX_INPUT_BYTES: '4096',
      }).conscience,
    ).toEqual({ axiomsPath: '/etc/phoenix/axioms.json', watchIntervalMs: 0, maxInputBytes: 4096 });
  });

  it('should name every bad key', () => {
    let problems: string[] = [];
    try {
      loadConfig({
        PHOENIX_AXIOMS_WATCH_INTERVAL_MS: 'often',
        PHOENIX_CONSCIENCE_MAX_INPUT_BYTES: '10',
      });
    } catch (error) {
      problems = error instanceof ConfigError ? error.problems : [];
    }
    expect(problems.join('\n')).toMatch(/^PHOENIX_AXIOMS_WATCH_INTERVAL_MS/m);
    expect(problems.join('\n')).toMatch(
      /^PHOENIX_CONSCIENCE_MAX_INPUT_BYTES must not be less than 1024/m,
    );
  });
});
