import { Module } from '@nestjs/common';
import { ACCESS_TOKEN_VERIFIER } from '../../kernel/auth/index.js';
import { AccountService } from './account.service.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AdminUsersService } from './admin-users.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { DoctorAccountHooks } from './doctor-account.hooks.js';
import { IdentityCodesRepository } from './identity-codes.repository.js';
import { IdentityAdminController } from './identity.admin.controller.js';
import { IdentityJobs } from './identity.jobs.js';
import { IdentityNotices } from './identity.notices.js';
import { IdentityRetentionRepository } from './identity-retention.repository.js';
import { IdentityRepository } from './identity.repository.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { MeController } from './me.controller.js';
import { OtpService } from './otp.service.js';
import { SessionStateService } from './session-state.service.js';
import { StaffPermissions } from './staff-permissions.service.js';
import { UserContacts } from './user-contacts.service.js';
import { UserDirectory } from './user-directory.service.js';

@Module({
  controllers: [AuthController, MeController, IdentityAdminController],
  providers: [
    IdentityRepository,
    LoginThrottleRepository,
    LoginThrottleService,
    IdentityJobs,
    IdentityRetentionRepository,
    SessionStateService,
    { provide: ACCESS_TOKEN_VERIFIER, useExisting: SessionStateService },
    AuthService,
    OtpService,
    IdentityCodesRepository,
    IdentityNotices,
    AccountService,
    AdminUsersService,
    UserDirectory,
    AdminBootstrapService,
    DoctorAccountHooks,
    UserContacts,
    StaffPermissions,
  ],
  exports: [
    ACCESS_TOKEN_VERIFIER,
    AdminBootstrapService,
    AuthService,
    DoctorAccountHooks,
    StaffPermissions,
    UserContacts,
  ],
})
export class IdentityModule {}
