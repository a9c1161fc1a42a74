import { loadConfig } from '../../config/environment';
import { advisoryLockKey } from './advisory-lock';
import { intervalSeconds } from './maintenance.service';

describe('maintenance configuration', () => {
  it('should give the documented schedule by default', () => {
    const { maintenance } = loadConfig({});
    expect(maintenance).toEqual({
      jobs: {
        compaction: { enabled: true, cron: '*/5 * * * *' },
        cleanup: { enabled: true, cron: '*/5 * * * *' },
        integrity: { enabled: true, cron: '0 * * * *' },
        backup: { enabled: true, cron: '30 * * * *' },
      },
      timeoutMs: 900_000,
      backupKeep: 7,
    });
  });

  it('should switch a job off and take a cron with seconds', () => {
    const { maintenance } = loadConfig({
      PHOENIX_MAINTENANCE_BACKUP_ENABLED: 'false',
      PHOENIX_MAINTENANCE_COMPACTION_CRON: '*/30 * * * * *',
    });
    expect(maintenance.jobs.backup.enabled).toBe(false);
    expect(maintenance.jobs.compaction.cron).toBe('*/30 * * * * *');
  });

  it('should name a bad cron expression and a bad switch', () => {
    expect(() =>
      loadConfig({
        PHOENIX_MAINTENANCE_INTEGRITY_CRON: 'hourly',
        PHOENIX_MAINTENANCE_CLEANUP_ENABLED: 'sometimes',
      }),
    ).toThrow(
      /PHOENIX_MAINTENANCE_INTEGRITY_CRON must be a cron expression.*PHOENIX_MAINTENANCE_CLEANUP_ENABLED|PHOENIX_MAINTENANCE_CLEANUP_ENABLED.*PHOENIX_MAINTENANCE_INTEGRITY_CRON must be a cron expression/,
    );
  });

  it('should refuse an indicator timeout longer than the probe timeout', () => {
    expect(() =>
      loadConfig({
        PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS: '2000',
        PHOENIX_HEALTH_TIMEOUT_MS: '1000',
      }),
    ).toThrow('PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS must not exceed PHOENIX_HEALTH_TIMEOUT_MS');
  });
});

describe(intervalSeconds.name, () => {
  it('should give the time between two firings', () => {
    expect(intervalSeconds('*/5 * * * *')).toBe(300);
    expect(intervalSeconds('0 * * * *')).toBe(3600);
    expect(intervalSeconds('* * * * * *')).toBe(1);
  });
});

describe(advisoryLockKey.name, () => {
  it('should be a signed 64-bit integer, stable per schema and job', () => {
    const key = advisoryLockKey('tenant_a', 'compaction');
    expect(BigInt(key)).toBeGreaterThanOrEqual(-(2n ** 63n));
    expect(BigInt(key)).toBeLessThan(2n ** 63n);
    expect(advisoryLockKey('tenant_a', 'compaction')).toBe(key);
    expect(advisoryLockKey('tenant_b', 'compaction')).not.toBe(key);
    expect(advisoryLockKey('tenant_a', 'backup')).not.toBe(key);
    expect(advisoryLockKey(undefined, 'compaction')).toBe(advisoryLockKey('public', 'compaction'));
  });
});
