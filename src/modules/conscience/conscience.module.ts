import { Module } from '@nestjs/common';
import { MemoryModule } from '../memory/memory.module';
import { AxiomsService } from './axioms.service';
import { ConscienceAdminController } from './conscience-admin.controller';
import { ConscienceComponent } from './conscience.component';
import { ConscienceController } from './conscience.controller';
import { ConscienceService } from './conscience.service';

/** TriuneConscience: axioms, the three perspectives, and decisions logged in the memory log. */
@Module({
  imports: [MemoryModule],
  controllers: [ConscienceController, ConscienceAdminController],
  providers: [ConscienceComponent, AxiomsService, ConscienceService],
})
export class ConscienceModule {}
