import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/problem.dto';
import { ComponentRoute } from '../../kernel';
import { ConsistencyProofDto, LogEntriesDto, SignedTreeHeadDto } from './dto/log.dto';
import { ConsistencyQuery, EntriesQuery } from './dto/log-queries';
import { MemoryLogService } from './memory-log.service';

@ApiTags('log')
@ComponentRoute('memory')
@ApiProblems(503)
@Controller('api/v1/log')
export class LogController {
  constructor(private readonly log: MemoryLogService) {}

  @Get('head')
  @ApiOperation({ summary: 'Signed tree head of the current log' })
  @ApiOkResponse({ type: SignedTreeHeadDto })
  head(): Promise<SignedTreeHeadDto> {
    return this.log.head();
  }

  @Get('public-key')
  @Header('content-type', 'application/x-pem-file')
  @ApiOperation({ summary: 'The Ed25519 public key that signs tree heads (PEM, SPKI)' })
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({ schema: { type: 'string' } })
  publicKey(): string {
    return this.log.publicKeyPem();
  }

  @Get('consistency')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  @ApiProblems(400)
  consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofDto> {
    return this.log.consistencyProof(query.from, query.to);
  }

  @Get('entries')
  @ApiOperation({ summary: 'Leaves start ≤ index < end, in order (at most 1000)' })
  @ApiOkResponse({ type: LogEntriesDto })
  @ApiProblems(400)
  entries(@Query() query: EntriesQuery): Promise<LogEntriesDto> {
    return this.log.entries(query.start, query.end);
  }
}
