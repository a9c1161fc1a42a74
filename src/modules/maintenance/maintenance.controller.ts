import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { MAINTENANCE_JOB_NAMES } from '../../config/environment';
import { ApiProblemResponse, AdminRoute } from '../../kernel';
import { JobRunDto, MaintenanceJobListDto } from './dto/maintenance-job.dto';
import { MaintenanceService } from './maintenance.service';

@Controller('api/v1/admin/maintenance/jobs')
@AdminRoute()
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Get()
  @ApiOperation({ summary: 'Maintenance jobs: schedule, last run on this instance, next run' })
  @ApiOkResponse({ type: MaintenanceJobListDto })
  list(): MaintenanceJobListDto {
    return { jobs: this.maintenance.list() };
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a job now and wait for its outcome',
    description:
      'Runs under the same rules as a scheduled run (timeout, PostgreSQL lock, metrics). ' +
      'A disabled job can be run this way.',
  })
  @ApiParam({ name: 'name', enum: MAINTENANCE_JOB_NAMES })
  @ApiOkResponse({ type: JobRunDto, description: 'The run, whatever its outcome' })
  @ApiProblemResponse(404, 'No job of that name (job_not_found)')
  @ApiProblemResponse(409, 'The job is running already (job_running)')
  run(@Param('name') name: string): Promise<JobRunDto> {
    return this.maintenance.runNow(name);
  }
}
