import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { IdentityCodesRepository } from './identity-codes.repository.js';
import { IdentityRetentionRepository } from './identity-retention.repository.js';
import { IdentityRepository } from './identity.repository.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    'auth.prune-expired': Record<string, never>;
  }
}

@ModuleJobs()
@Injectable()
export class IdentityJobs implements JobSource {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly retention: IdentityRetentionRepository,
    private readonly codes: IdentityCodesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jobs(): JobDefinition[] {
    return [
      // Expired refresh tokens and codes, used codes, ended sessions and idle login throttles have no further use.
      {
        name: 'auth.prune-expired',
        handler: async () => {
          const now = this.clock.now();
          // Expired refresh tokens first: a session left without any is then an ended one.
          await this.repo.pruneExpired(now);
          await this.retention.prune(now);
          // A code budget whose window ended counts nothing any more.
          await this.codes.pruneBudgets(now);
        },
        every: { ms: 3_600_000, payload: {} },
      },
    ];
  }
}
