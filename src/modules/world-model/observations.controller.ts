import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { ComponentRoute } from '../../kernel';
import { ObservationDto, ObservationReceiptDto } from './dto/observation.dto';
import { WorldModelService } from './world-model.service';

/**
 * Observations are memories: this route is a memory write (it goes through the memory
 * component's boundary), so it keeps working while the world model is stopped; the projection
 * catches up when it runs again.
 */
@ApiTags('world')
@ComponentRoute('memory')
@ApiProblems(503)
@Controller('api/v1/world/observations')
export class ObservationsController {
  constructor(private readonly world: WorldModelService) {}

  @Post()
  @ApiOperation({ summary: 'Store an observation (a memory of kind observation) of facts' })
  @ApiCreatedResponse({ type: ObservationReceiptDto })
  @ApiProblems(400, 413, 415)
  observe(@Body() body: ObservationDto): Promise<ObservationReceiptDto> {
    return this.world.observe(body);
  }
}
