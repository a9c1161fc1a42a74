import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { ParseUuidPipe } from '../../common/pipes/parse-uuid.pipe';
import { ComponentRoute } from '../../kernel';
import { ConscienceService } from './conscience.service';
import { AlignmentDto, AlignmentQuery } from './dto/alignment.dto';
import { AxiomsDto } from './dto/axioms.dto';
import { DecisionPageDto, DecisionRecordDto, ListEvaluationsQuery } from './dto/decision.dto';
import { EvaluateRequestDto } from './dto/evaluate-request.dto';
import { EvaluationDto } from './dto/evaluation.dto';
import type { EvaluationInput } from './evaluation/types';
import { ParseEvaluationPipe } from './parse-evaluation.pipe';

@ApiTags('conscience')
@ComponentRoute('conscience')
@ApiProblems(503)
@Controller('api/v1/conscience')
export class ConscienceController {
  constructor(private readonly conscience: ConscienceService) {}

  @Post('evaluations')
  @ApiOperation({
    summary: 'Evaluate a proposed action against the axioms; the decision is logged',
    description:
      'Verdict (allow, escalate, deny), alignment, and the score of each perspective with the ' +
      'axioms that moved it. The decision is appended to the memory log as kind decision; ' +
      'memoryId and leafIndex locate it for an inclusion proof. 503 when memory is down.',
  })
  @ApiBody({ type: EvaluateRequestDto })
  @ApiCreatedResponse({ type: EvaluationDto })
  @ApiProblems(400, 413, 415)
  evaluate(@Body(ParseEvaluationPipe) input: EvaluationInput): Promise<EvaluationDto> {
    return this.conscience.evaluate(input);
  }

  @Get('evaluations')
  @ApiOperation({ summary: 'Past decisions, newest first, read from the log (no recall)' })
  @ApiOkResponse({ type: DecisionPageDto })
  @ApiProblems(400)
  list(@Query() query: ListEvaluationsQuery): Promise<DecisionPageDto> {
    return this.conscience.list(query);
  }

  @Get('evaluations/:id')
  @ApiOperation({ summary: 'One decision with its logged content (no recall)' })
  @ApiOkResponse({ type: DecisionRecordDto })
  @ApiProblems(400, 404, 410)
  get(@Param('id', ParseUuidPipe) id: string): Promise<DecisionRecordDto> {
    return this.conscience.get(id);
  }

  @Get('alignment')
  @ApiOperation({ summary: 'Alignment statistics over the decisions of a recent window' })
  @ApiOkResponse({ type: AlignmentDto })
  @ApiProblems(400)
  alignment(@Query() query: AlignmentQuery): Promise<AlignmentDto> {
    return this.conscience.alignment(query);
  }

  @Get('axioms')
  @ApiOperation({ summary: 'The axioms in service: version, source, degraded and why' })
  @ApiOkResponse({ type: AxiomsDto })
  axioms(): AxiomsDto {
    return this.conscience.axiomsInService();
  }
}
