import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { getHeapStatistics } from 'node:v8';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/**
 * Heap in use as a share of V8's heap limit (which follows --max-old-space-size or the
 * container's memory), so one threshold fits every pod size.
 */
@Injectable()
export class HeapHealthIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key: string): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const heap = getHeapStatistics();
    const ratio = heap.used_heap_size / heap.heap_size_limit;
    const data = {
      usedBytes: heap.used_heap_size,
      limitBytes: heap.heap_size_limit,
      ratio: Math.round(ratio * 1000) / 1000,
      maxRatio: this.config.health.maxHeapRatio,
    };
    return ratio <= data.maxRatio
      ? indicator.up(data)
      : indicator.down({ message: `heap use above ${data.maxRatio} of the limit`, ...data });
  }
}
