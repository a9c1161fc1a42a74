import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ComponentRegistry } from './component-registry';
import { ComponentListDto } from './dto/component-status.dto';

@ApiTags('kernel')
@Controller('api/v1/kernel')
export class KernelController {
  constructor(private readonly registry: ComponentRegistry) {}

  @Get('components')
  @ApiOperation({
    summary: 'State of each supervised component',
    description: 'State, whether it is critical, since when, restarts, last error and reason.',
  })
  @ApiOkResponse({ type: ComponentListDto })
  list(): ComponentListDto {
    return { components: this.registry.list() };
  }
}
