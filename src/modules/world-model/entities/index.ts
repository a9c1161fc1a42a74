import { WorldFactEntity } from './world-fact.entity';
import { WorldProjectionEntity } from './world-projection.entity';
import { WorldSkippedEntity } from './world-skipped.entity';

export { WorldFactEntity, WorldProjectionEntity, WorldSkippedEntity };
export const WORLD_MODEL_ENTITIES = [WorldProjectionEntity, WorldFactEntity, WorldSkippedEntity];
