import type { MixedList } from 'typeorm';
import { MEMORY_ENTITIES } from '../modules/memory/entities';
import { WORLD_MODEL_ENTITIES } from '../modules/world-model/entities';

/** Every entity of every module, listed once for the app and the migration CLI. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
export const ENTITIES: MixedList<Function> = [...MEMORY_ENTITIES, ...WORLD_MODEL_ENTITIES];
