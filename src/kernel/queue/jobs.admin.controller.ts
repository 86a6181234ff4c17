import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../auth/index.js';
import { Route } from '../http/index.js';
import { JobsAdminService } from './jobs-admin.service.js';
import { failedJobIdParam, failedJobsPage, failedJobsQuery, retriedJobView, type FailedJobsQuery } from './jobs.dto.js';

@ApiTags('admin: jobs')
@Controller('v1/admin/jobs')
export class JobsAdminController {
  constructor(private readonly jobs: JobsAdminService) {}

  @Can('jobs:manage')
  @Get('failed')
  @Route({
    operationId: 'listFailedJobs',
    summary: 'Jobs that failed their last retry (dead letters), newest first',
    description:
      'Whichever driver runs the jobs (BullMQ or in process), a job that failed every attempt is kept here with its payload and last error until it is retried.',
    auth: { permission: 'jobs:manage' },
    response: failedJobsPage,
  })
  listFailed(@Query({ schema: failedJobsQuery }) query: FailedJobsQuery) {
    return this.jobs.listFailed(query);
  }

  @Can('jobs:manage')
  @Post(':id/retry')
  @Route({
    operationId: 'retryFailedJob',
    summary: 'Run a failed job again, with a fresh set of retries',
    description:
      'The job leaves the failed list and is queued once: a second retry of the same failure answers 409 `jobs/already-retried`. Handlers are idempotent, so a job that half-ran before failing does its work once.',
    auth: { permission: 'jobs:manage' },
    status: 202,
    response: retriedJobView,
    errors: [404, 409],
  })
  retry(@Param('id', { schema: failedJobIdParam }) id: string, @CurrentActor() actor: UserActor) {
    return this.jobs.retry(actor, id);
  }
}
