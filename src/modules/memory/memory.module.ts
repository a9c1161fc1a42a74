import { Module } from '@nestjs/common';
import { LogController } from './log.controller';
import { MemoryAdminController } from './memory-admin.controller';
import { MemoryComponent } from './memory.component';
import { MemoryController } from './memory.controller';
import { MemoryLogService } from './memory-log.service';
import { MemoryMaintenanceService } from './memory-maintenance.service';
import { MemoryRepository } from './memory.repository';
import { MemoryService } from './memory.service';
import { MemoryVerificationService } from './memory-verification.service';

/** PlasticLTM: the memory log, its proofs and signed heads, and plasticity. */
@Module({
  controllers: [MemoryController, LogController, MemoryAdminController],
  providers: [
    MemoryComponent,
    MemoryRepository,
    MemoryService,
    MemoryLogService,
    MemoryMaintenanceService,
    MemoryVerificationService,
  ],
  exports: [MemoryService, MemoryLogService, MemoryMaintenanceService, MemoryVerificationService],
})
export class MemoryModule {}
