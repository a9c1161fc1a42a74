import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { COMPONENT_NAMES } from '../component';
import { ComponentRegistry } from '../component-registry';
import { ComponentStatusDto } from '../dto/component-status.dto';
import { ApiProblemResponse } from '../api-problem-response';
import { AdminRoute } from './admin-route.decorator';

@Controller('api/v1/admin/components')
@AdminRoute()
@ApiParam({ name: 'name', enum: COMPONENT_NAMES, description: 'A registered component' })
@ApiOkResponse({ type: ComponentStatusDto, description: 'The component after the operation' })
@ApiProblemResponse(400, 'No component of that name is registered (unknown_component)')
export class ComponentsAdminController {
  constructor(private readonly registry: ComponentRegistry) {}

  @Post(':name/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a component',
    description: 'Requests to it get 503 until it is started; the supervisor leaves it alone.',
  })
  stop(@Param('name') name: string): Promise<ComponentStatusDto> {
    return this.registry.stop(name);
  }

  @Post(':name/start')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start a stopped or failed component',
    description:
      'Also the way out of "restart intensity exceeded": starting resets the restart window. ' +
      'Answers once start() has finished; the state says whether it succeeded.',
  })
  start(@Param('name') name: string): Promise<ComponentStatusDto> {
    return this.registry.start(name);
  }

  @Post(':name/restart')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop and start a component',
    description: 'Works in any state; resets the restart window.',
  })
  restart(@Param('name') name: string): Promise<ComponentStatusDto> {
    return this.registry.restart(name);
  }
}
