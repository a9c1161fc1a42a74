import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { AdminRoute, ComponentRoute } from '../../kernel';
import { RebuildStatusDto } from './dto/world-pages.dto';
import { WorldModelComponent } from './world-model.component';

@AdminRoute()
@ComponentRoute('world-model')
@ApiProblems(503)
@Controller('api/v1/admin/world')
export class WorldAdminController {
  constructor(private readonly world: WorldModelComponent) {}

  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay the memory log into a fresh projection and swap it in when it catches up',
  })
  @ApiAcceptedResponse({ type: RebuildStatusDto })
  @ApiProblems(409)
  rebuild(): RebuildStatusDto {
    return this.world.requestRebuild();
  }

  @Get('rebuild')
  @ApiOperation({ summary: 'The latest rebuild: running, succeeded, failed or aborted' })
  @ApiOkResponse({ type: RebuildStatusDto })
  @ApiProblems(404)
  status(): RebuildStatusDto {
    return this.world.rebuildStatus();
  }
}
