import type { MixedList } from 'typeorm';

/** Every migration, in order. Generated with `npm run migration:generate`; never edited after they land. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
export const MIGRATIONS: MixedList<Function> = [];
