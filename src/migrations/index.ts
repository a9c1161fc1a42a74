import type { MixedList } from 'typeorm';
import { MemoryLog1795792000000 } from './1795792000000-MemoryLog';
import { WorldModel1795796000000 } from './1795796000000-WorldModel';
import { MemoryExpiresPartialIndex1795805600000 } from './1795805600000-MemoryExpiresPartialIndex';

/** Every migration, in order. Generated with `npm run migration:generate`; never edited after they land. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
export const MIGRATIONS: MixedList<Function> = [
  MemoryLog1795792000000,
  WorldModel1795796000000,
  MemoryExpiresPartialIndex1795805600000,
];
