import { Global, Module } from '@nestjs/common';
import { CacheService } from './cache/cache.service.js';
import { OutboxRepository } from './events/outbox.repository.js';
import { OutboxService } from './events/outbox.service.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { IdempotencyRepository } from './http/idempotency.repository.js';
import { RateLimiterService } from './http/rate-limiter.service.js';
import { RouteIndex } from './http/route-index.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { JobQueue } from './queue/job-queue.js';
import { RedisService } from './redis/redis.service.js';

const shared = [
  RedisService,
  CacheService,
  RateLimiterService,
  IdempotencyRepository,
  IdempotencyInterceptor,
  OutboxRepository,
  OutboxService,
  JobQueue,
  RouteIndex,
];

/** Domain-free building blocks, available to every module. */
@Global()
@Module({ imports: [MessagingModule], providers: shared, exports: [...shared, MessagingModule] })
export class KernelModule {}
