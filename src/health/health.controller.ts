import { Controller, Get, Req, Res } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProbeOutcome, verboseBody } from './probe-outcome';
import { ReadinessService } from './readiness.service';
import { StartupService } from './startup.service';

const JSON_TYPE = 'application/json; charset=utf-8';
const LIVE_BODY = JSON.stringify({ status: 'ok' });

/**
 * Kubernetes probes. Machines read the status code (200 or 503); `?verbose` returns
 * terminus's whole result (info, error, details) for humans. The handlers write the reply
 * themselves: a cached readiness answer is a pre-serialised string, with no pipe or promise.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly startup: StartupService,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process can serve (checks no dependency)' })
  live(@Res() reply: FastifyReply): void {
    void reply.type(JSON_TYPE).send(LIVE_BODY);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, critical components, disk and heap (cached briefly)',
  })
  @ApiQuery({ name: 'verbose', required: false, description: 'Add every indicator’s details' })
  ready(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    return answer(this.readiness.check(), request, reply);
  }

  @Get('startup')
  @HealthCheck()
  @ApiOperation({ summary: 'Startup: migrations applied and every component started once' })
  @ApiQuery({ name: 'verbose', required: false, description: 'Add every indicator’s details' })
  started(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    return answer(this.startup.check(), request, reply);
  }
}

function answer(
  outcome: ProbeOutcome | Promise<ProbeOutcome>,
  request: FastifyRequest,
  reply: FastifyReply,
): void | Promise<void> {
  if (outcome instanceof Promise) {
    return outcome.then((settled) => send(settled, request, reply));
  }
  send(outcome, request, reply);
}

function send(outcome: ProbeOutcome, request: FastifyRequest, reply: FastifyReply): void {
  const verbose = isVerbose(request);
  void reply
    .code(outcome.statusCode)
    .type(JSON_TYPE)
    .send(verbose ? verboseBody(outcome) : outcome.body);
}

function isVerbose(request: FastifyRequest): boolean {
  const value = (request.query as Record<string, unknown> | undefined)?.verbose;
  return value !== undefined && value !== 'false' && value !== '0';
}
