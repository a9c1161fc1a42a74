import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { ParseUuidPipe } from '../../common/pipes/parse-uuid.pipe';
import { ComponentRoute } from '../../kernel';
import { InclusionProofDto } from './dto/log.dto';
import { ProofQuery } from './dto/log-queries';
import { ListMemoriesQuery } from './dto/list-memories.query';
import { MemoryDto, MemoryPageDto, StoredMemoryDto } from './dto/memory.dto';
import { StoreMemoryDto } from './dto/store-memory.dto';
import { StoreMemoryBody, StoreMemoryPipe } from './dto/store-memory.pipe';
import { MemoryLogService } from './memory-log.service';
import { MemoryService } from './memory.service';

@ApiTags('memories')
@ComponentRoute('memory')
@ApiProblems(503)
@Controller('api/v1/memories')
export class MemoryController {
  constructor(
    private readonly memories: MemoryService,
    private readonly log: MemoryLogService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Store a memory as a new leaf of the log' })
  @ApiCreatedResponse({ type: StoredMemoryDto })
  @ApiBody({ type: StoreMemoryDto })
  @ApiProblems(400, 413, 415)
  store(@Body(StoreMemoryPipe) body: StoreMemoryBody): Promise<StoredMemoryDto> {
    return this.memories.store(body);
  }

  @Get()
  @ApiOperation({ summary: 'List memories (newest or strongest first), without recalling them' })
  @ApiOkResponse({ type: MemoryPageDto })
  @ApiProblems(400)
  list(@Query() query: ListMemoriesQuery): Promise<MemoryPageDto> {
    return this.memories.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Recall a memory with its content; strengthens it' })
  @ApiOkResponse({ type: MemoryDto })
  @ApiProblems(400, 404, 410)
  recall(@Param('id', ParseUuidPipe) id: string): Promise<MemoryDto> {
    return this.memories.recall(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget a memory: its content is erased, its leaf stays' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  forget(@Param('id', ParseUuidPipe) id: string): Promise<void> {
    return this.memories.forget(id);
  }

  @Get(':id/proof')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of the memory’s leaf' })
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiProblems(400, 404)
  proof(
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: ProofQuery,
  ): Promise<InclusionProofDto> {
    return this.log.inclusionProof(id, query.treeSize);
  }
}
