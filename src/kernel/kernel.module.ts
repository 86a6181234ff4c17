import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CacheService } from './cache/cache.service.js';
import { CLOCK, systemClock } from './clock.js';
import { OutboxRepository } from './events/outbox.repository.js';
import { OutboxJobs } from './events/outbox.jobs.js';
import { OutboxService } from './events/outbox.service.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { IdempotencyJobs } from './http/idempotency.jobs.js';
import { IdempotencyRepository } from './http/idempotency.repository.js';
import { RateLimiterService } from './http/rate-limiter.service.js';
import { RouteIndex } from './http/route-index.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { JobFailuresRepository } from './queue/job-failures.repository.js';
import { JobQueue } from './queue/job-queue.js';
import { JobRegistry } from './queue/job-registry.js';
import { JobsAdminController } from './queue/jobs.admin.controller.js';
import { JobsAdminService } from './queue/jobs-admin.service.js';
import { RedisService } from './redis/redis.service.js';
import { RealtimeService } from './realtime/realtime.service.js';

const shared = [
  RedisService,
  CacheService,
  RateLimiterService,
  IdempotencyRepository,
  IdempotencyInterceptor,
  OutboxRepository,
  OutboxService,
  JobFailuresRepository,
  JobQueue,
  JobRegistry,
  // The one source of "now" for every module's time rules (reservation expiry, code lifetimes, offer windows).
  { provide: CLOCK, useValue: systemClock },
  RouteIndex,
  RealtimeService,
];

/** Domain-free building blocks, available to every module. */
@Global()
@Module({
  imports: [MessagingModule, DiscoveryModule],
  controllers: [JobsAdminController],
  providers: [...shared, JobsAdminService, OutboxJobs, IdempotencyJobs],
  exports: [...shared, MessagingModule],
})
export class KernelModule {}
