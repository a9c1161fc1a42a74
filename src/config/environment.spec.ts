import { ConfigError, loadConfig } from './environment';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected loadConfig to refuse the environment');
}

describe(loadConfig.name, () => {
  it('should give the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      db: { type: 'sqlite' },
      log: { level: 'info', format: 'pretty' },
      adminToken: undefined,
      memory: {
        maxBytes: 1048576,
        halfLifeMs: 7 * 86_400_000,
        reinforceAlpha: 0.2,
        forgetBelow: 0.05,
      },
      chaosEnabled: false,
      maxJsonDepth: 64,
    });
    expect(config.memory.retainedKinds).toEqual(['decision']);
  });

  it('should log JSON by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).log.format).toBe('json');
  });

  it('should treat empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DB_TYPE: '' }).port).toBe(3000);
  });

  it('should name a key of the wrong type', () => {
    expect(problemsOf({ PORT: 'eighty' }).join('\n')).toMatch(/^PORT/m);
  });

  it('should name a key out of range', () => {
    expect(problemsOf({ PORT: '70000' }).join('\n')).toMatch(/PORT must not be greater than 65535/);
    expect(problemsOf({ PHOENIX_MEMORY_REINFORCE_ALPHA: '1.5' }).join('\n')).toMatch(
      /PHOENIX_MEMORY_REINFORCE_ALPHA/,
    );
  });

  it('should refuse a JSON depth limit outside [2, 1024]', () => {
    expect(problemsOf({ PHOENIX_MAX_JSON_DEPTH: '1' }).join('\n')).toMatch(
      /PHOENIX_MAX_JSON_DEPTH/,
    );
    expect(problemsOf({ PHOENIX_MAX_JSON_DEPTH: '5000' }).join('\n')).toMatch(
      /PHOENIX_MAX_JSON_DEPTH/,
    );
    expect(loadConfig({ PHOENIX_MAX_JSON_DEPTH: '16' }).maxJsonDepth).toBe(16);
  });

  it('should require DATABASE_URL for postgres only', () => {
    expect(problemsOf({ DB_TYPE: 'postgres' }).join('\n')).toMatch(/DATABASE_URL/);
    expect(loadConfig({ DB_TYPE: 'postgres', DATABASE_URL: 'postgres://u@h/db' }).db.url).toBe(
      'postgres://u@h/db',
    );
    expect(loadConfig({ DB_TYPE: 'sqlite' }).db.url).toBeUndefined();
  });

  it('should name every bad key at once', () => {
    const problems = problemsOf({
      PORT: '-1',
      DB_TYPE: 'mysql',
      LOG_FORMAT: 'xml',
      PHOENIX_ADMIN_TOKEN: 'short',
      PHOENIX_MEMORY_HALF_LIFE: 'soon',
    });
    const text = problems.join('\n');
    for (const key of [
      'PORT',
      'DB_TYPE',
      'LOG_FORMAT',
      'PHOENIX_ADMIN_TOKEN',
      'PHOENIX_MEMORY_HALF_LIFE',
    ]) {
      expect(text).toContain(key);
    }
    expect(problems).toHaveLength(5);
  });

  it('should refuse a zero half-life', () => {
    expect(problemsOf({ PHOENIX_MEMORY_HALF_LIFE: '0d' })).toEqual([
      'PHOENIX_MEMORY_HALF_LIFE must be longer than zero',
    ]);
  });
});
