import { Module } from '@nestjs/common';
import { MemoryModule } from '../memory/memory.module';
import { ObservationsController } from './observations.controller';
import { WorldAdminController } from './world-admin.controller';
import { WorldModelComponent } from './world-model.component';
import { WorldModelController } from './world-model.controller';
import { WorldModelRepository } from './world-model.repository';
import { WorldModelService } from './world-model.service';

/** WorldModel: facts with validity in time, projected from observation memories. */
@Module({
  imports: [MemoryModule],
  controllers: [ObservationsController, WorldModelController, WorldAdminController],
  providers: [WorldModelComponent, WorldModelRepository, WorldModelService],
  exports: [WorldModelService],
})
export class WorldModelModule {}
