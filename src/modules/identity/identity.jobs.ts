import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
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
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  jobs(): JobDefinition[] {
    return [
      // Rotated and expired refresh tokens and used codes have no further use.
      {
        name: 'auth.prune-expired',
        handler: () => this.repo.pruneExpired(this.clock.now()),
        every: { ms: 3_600_000, payload: {} },
      },
    ];
  }
}
