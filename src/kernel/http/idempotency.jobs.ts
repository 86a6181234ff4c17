import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { CLOCK, type Clock } from '../clock.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../queue/jobs.js';
import { IdempotencyRepository } from './idempotency.repository.js';

declare module '../queue/jobs.js' {
  interface JobMap {
    'idempotency.prune': Record<string, never>;
  }
}

/** Expired idempotency keys answer nothing any more (a reuse runs as new): the table keeps only live ones. */
@ModuleJobs()
@Injectable()
export class IdempotencyJobs implements JobSource {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly repo: IdempotencyRepository,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jobs(): JobDefinition[] {
    return [{ name: 'idempotency.prune', handler: () => this.prune(), every: { ms: 3_600_000, payload: {} } }];
  }

  private async prune(): Promise<void> {
    const ttlMs = this.config.http.idempotency.keyTtlHours * 3_600_000;
    const deleted = await this.repo.pruneExpired(new Date(this.clock.now().getTime() - ttlMs));
    if (deleted > 0) this.logger.log(`pruned ${deleted} expired idempotency keys`);
  }
}
