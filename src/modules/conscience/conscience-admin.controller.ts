import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { AdminRoute, ComponentRoute } from '../../kernel';
import { ConscienceService } from './conscience.service';
import { AxiomsDto } from './dto/axioms.dto';

@AdminRoute()
@ComponentRoute('conscience')
@Controller('api/v1/admin/conscience')
export class ConscienceAdminController {
  constructor(private readonly conscience: ConscienceService) {}

  @Post('reload')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Read the axioms file again',
    description:
      'A valid file replaces the axioms at once (evaluations in flight finish on the old set). ' +
      'An invalid or missing file changes nothing and answers 422 with the schema errors.',
  })
  @ApiOkResponse({ type: AxiomsDto, description: 'The axioms in service after the reload' })
  @ApiProblems(422)
  reload(): Promise<AxiomsDto> {
    return this.conscience.reloadAxioms();
  }
}
