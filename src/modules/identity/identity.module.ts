import { Module, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../../kernel/queue/index.js';
import { ACCESS_TOKEN_VERIFIER } from '../../kernel/auth/index.js';
import { CLOCK, systemClock } from '../../kernel/clock.js';
import { AccountService } from './account.service.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AdminUsersService } from './admin-users.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { IdentityAdminController } from './identity.admin.controller.js';
import { IdentityRepository } from './identity.repository.js';
import { MeController } from './me.controller.js';
import { OtpService } from './otp.service.js';
import { SessionStateService } from './session-state.service.js';

@Module({
  controllers: [AuthController, MeController, IdentityAdminController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    IdentityRepository,
    SessionStateService,
    { provide: ACCESS_TOKEN_VERIFIER, useExisting: SessionStateService },
    AuthService,
    OtpService,
    AccountService,
    AdminUsersService,
    AdminBootstrapService,
  ],
  exports: [ACCESS_TOKEN_VERIFIER, AdminBootstrapService, AuthService],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly repo: IdentityRepository,
  ) {}

  onModuleInit(): void {
    // Rotated and expired refresh tokens and used codes have no further use.
    this.queue.register('auth.prune-expired', () => this.repo.pruneExpired(new Date()));
  }
}
