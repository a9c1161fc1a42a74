import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { ComponentRoute } from '../../kernel';
import {
  CoherenceDto,
  ConflictPageDto,
  EntityFactsDto,
  EntityPageDto,
  SkippedPageDto,
} from './dto/world-pages.dto';
import { EntityQuery, HistoryQuery, ListEntitiesQuery, PageQuery } from './dto/world-queries';
import { WorldModelService } from './world-model.service';

const SUBJECT = { name: 'subject', description: 'URL-encoded subject, e.g. room%3A42' };

@ApiTags('world')
@ComponentRoute('world-model')
@ApiProblems(503)
@Controller('api/v1/world')
export class WorldModelController {
  constructor(private readonly world: WorldModelService) {}

  @Get('entities')
  @ApiOperation({ summary: 'Subjects the world model knows, in code-point order' })
  @ApiOkResponse({ type: EntityPageDto })
  @ApiProblems(400)
  entities(@Query() query: ListEntitiesQuery): Promise<EntityPageDto> {
    return this.world.entities(query);
  }

  @Get('entities/:subject')
  @ApiOperation({ summary: 'Current facts about a subject, or those that held at `at`' })
  @ApiParam(SUBJECT)
  @ApiOkResponse({ type: EntityFactsDto })
  @ApiProblems(400, 404)
  entity(@Param('subject') subject: string, @Query() query: EntityQuery): Promise<EntityFactsDto> {
    return this.world.entity(subject, query);
  }

  @Get('entities/:subject/history')
  @ApiOperation({ summary: 'Every claim about a subject, with intervals and supersession' })
  @ApiParam(SUBJECT)
  @ApiOkResponse({ type: EntityFactsDto })
  @ApiProblems(400, 404)
  history(
    @Param('subject') subject: string,
    @Query() query: HistoryQuery,
  ): Promise<EntityFactsDto> {
    return this.world.history(subject, query);
  }

  @Get('conflicts')
  @ApiOperation({ summary: 'Open contradictions, with every claim involved' })
  @ApiOkResponse({ type: ConflictPageDto })
  @ApiProblems(400)
  conflicts(@Query() query: PageQuery): Promise<ConflictPageDto> {
    return this.world.conflicts(query);
  }

  @Get('coherence')
  @ApiOperation({ summary: 'Coherence in [0, 1], counts, the projection cursor and its lag' })
  @ApiOkResponse({ type: CoherenceDto })
  coherence(): Promise<CoherenceDto> {
    return this.world.coherence();
  }

  @Get('skipped')
  @ApiOperation({ summary: 'Malformed observations the projection skipped, and why' })
  @ApiOkResponse({ type: SkippedPageDto })
  @ApiProblems(400)
  skipped(@Query() query: PageQuery): Promise<SkippedPageDto> {
    return this.world.skipped(query);
  }
}
