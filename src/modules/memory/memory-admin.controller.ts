import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminRoute } from '../../kernel';
import { VerificationReportDto } from './dto/log.dto';
import { MemoryVerificationService } from './memory-verification.service';

@AdminRoute()
@Controller('api/v1/admin/log')
export class MemoryAdminController {
  constructor(private readonly verification: MemoryVerificationService) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute every leaf from the rows and the root from the leaves' })
  @ApiOkResponse({ type: VerificationReportDto })
  verify(): Promise<VerificationReportDto> {
    return this.verification.verifyAll();
  }
}
