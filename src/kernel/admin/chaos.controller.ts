import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CreateFaultDto, FaultDto, FaultListDto } from '../dto/fault.dto';
import { ApiProblemResponse } from '../api-problem-response';
import { FaultInjector } from '../faults/fault-injector';
import { AdminRoute } from './admin-route.decorator';
import { ChaosEnabledGuard } from './chaos-enabled.guard';

const OFF = 'Answers 404 to everyone unless PHOENIX_CHAOS_ENABLED=true and the admin token is set.';

@Controller('api/v1/admin/chaos/faults')
@AdminRoute(ChaosEnabledGuard)
export class ChaosController {
  constructor(private readonly faults: FaultInjector) {}

  @Post()
  @ApiOperation({ summary: 'Inject a fault at a component boundary', description: OFF })
  @ApiCreatedResponse({ type: FaultDto })
  @ApiProblemResponse(400, 'Invalid fault (validation_failed, with field errors)')
  inject(@Body() body: CreateFaultDto): FaultDto {
    return this.faults.add(body.toSpec());
  }

  @Get()
  @ApiOperation({ summary: 'List the active faults', description: OFF })
  @ApiOkResponse({ type: FaultListDto })
  list(): FaultListDto {
    return { faults: this.faults.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Clear one fault', description: OFF })
  @ApiNoContentResponse({ description: 'Cleared' })
  @ApiProblemResponse(404, 'No active fault has this id (fault_not_found), or chaos is off')
  remove(@Param('id') id: string): void {
    this.faults.remove(id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Clear every fault', description: OFF })
  @ApiNoContentResponse({ description: 'Cleared' })
  clear(): void {
    this.faults.clear();
  }
}
