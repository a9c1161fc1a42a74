import { RestartIntensity } from './restart-intensity';

describe(RestartIntensity.name, () => {
  it('should allow `limit` restarts within the window and no more', () => {
    const intensity = new RestartIntensity(5, 60_000);
    for (let i = 0; i < 5; i++) {
      expect(intensity.exhausted(1000 + i)).toBe(false);
      intensity.record(1000 + i);
    }
    expect(intensity.count(1010)).toBe(5);
    expect(intensity.exhausted(1010)).toBe(true);
  });

  it('should forget restarts older than the window', () => {
    const intensity = new RestartIntensity(2, 1000);
    intensity.record(0);
    intensity.record(500);
    expect(intensity.exhausted(999)).toBe(true);
    // The restart at 0 leaves the window at 1000; the one at 500 stays until 1500.
    expect(intensity.count(1000)).toBe(1);
    expect(intensity.exhausted(1000)).toBe(false);
    expect(intensity.count(1500)).toBe(0);
  });

  it('should start afresh after reset', () => {
    const intensity = new RestartIntensity(1, 60_000);
    intensity.record(0);
    expect(intensity.exhausted(1)).toBe(true);
    intensity.reset();
    expect(intensity.exhausted(1)).toBe(false);
  });

  it('should never allow a restart with a limit of 0', () => {
    expect(new RestartIntensity(0, 60_000).exhausted(0)).toBe(true);
  });
});
