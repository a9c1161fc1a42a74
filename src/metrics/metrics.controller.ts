import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { ComponentMetrics } from './component-metrics';

/** The library's controller, with this API's headers and docs, refreshing derived gauges first. */
@ApiTags('operations')
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly components: ComponentMetrics) {
    super();
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format 0.0.4)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Every metric of this process', schema: { type: 'string' } })
  override index(@Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    this.components.refresh();
    return super.index(response);
  }
}
