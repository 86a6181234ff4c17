import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { AdminUsersService } from './admin-users.service.js';
import {
  createStaffBody,
  idParam,
  listUsersQuery,
  meResponse,
  roleParam,
  setRolesBody,
  suspendBody,
  usersPage,
} from './identity.dto.js';

@ApiTags('admin: users')
@Controller('v1/admin')
export class IdentityAdminController {
  constructor(private readonly admin: AdminUsersService) {}

  @Can('users:read')
  @Get('users')
  @Route({
    operationId: 'listUsers',
    summary: 'List accounts (filter by type, status, text), or find one by exact email or phone',
    description:
      'Admins and support agents list every account. A branch manager lists the staff of their branches only, and finds a customer by exact `email` or `phone` (each lookup is audited).',
    auth: { permission: 'users:read' },
    response: usersPage,
  })
  list(
    @Query({ schema: listUsersQuery }) query: z.infer<typeof listUsersQuery>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.list(actor, query, meta);
  }

  @Can('users:read')
  @Get('users/:id')
  @Route({
    summary: 'One account with its roles',
    description: 'A branch manager sees the staff of their branches only (anyone else: 404).',
    auth: { permission: 'users:read' },
    response: meResponse,
    errors: [404],
  })
  get(@Param('id', { schema: idParam }) id: string, @CurrentActor() actor: UserActor, @ReqMeta() meta: RequestMeta) {
    return this.admin.get(actor, id, meta);
  }

  @Can('staff:write')
  @Post('staff')
  @Route({
    summary: 'Create a staff account with roles',
    auth: { permission: 'staff:write' },
    status: 201,
    response: meResponse,
    errors: [409],
  })
  createStaff(
    @Body({ schema: createStaffBody }) body: z.infer<typeof createStaffBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.createStaff(actor, body, meta);
  }

  @Can('roles:write')
  @Post('users/:id/roles')
  @Route({
    summary: "Assign and revoke a staff account's roles",
    description:
      '`roles` replaces the current set; `add` and `remove` change it; branch-scoped roles (pharmacist, branch_manager) apply to `branchIds`, which they require (400 `identity/branch-required`); an unknown branch is 400 `identity/unknown-branch`.',
    auth: { permission: 'roles:write' },
    response: meResponse,
    errors: [404, 409],
  })
  setRoles(
    @Param('id', { schema: idParam }) id: string,
    @Body({ schema: setRolesBody }) body: z.infer<typeof setRolesBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.setRoles(actor, id, body, meta);
  }

  @Can('roles:write')
  @Delete('users/:id/roles/:role')
  @Route({
    summary: 'Revoke one role (at every branch)',
    auth: { permission: 'roles:write' },
    response: meResponse,
    errors: [404, 409],
  })
  revokeRole(
    @Param('id', { schema: idParam }) id: string,
    @Param('role', { schema: roleParam }) role: z.infer<typeof roleParam>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.setRoles(actor, id, { remove: [role] }, meta);
  }

  @Can('doctors:approve')
  @Post('doctors/:id/approve')
  @Route({
    operationId: 'approveDoctor',
    summary: 'Approve a doctor after licence checks',
    description:
      "Needs the doctor's profile (PUT /v1/doctor/profile) with a licence valid today: else 409 `providers/profile-incomplete` or `providers/license-expired`, nothing changed. Records who approved and when; the doctor is then listed in GET /v1/doctors. Approving an approved doctor changes nothing.",
    auth: { permission: 'doctors:approve' },
    response: meResponse,
    errors: [404, 409],
  })
  approve(
    @Param('id', { schema: idParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.approveDoctor(actor, id, meta);
  }

  @Can('users:write')
  @Post('users/:id/suspend')
  @Route({
    operationId: 'suspendUser',
    summary: 'Suspend an account and end its sessions',
    auth: { permission: 'users:write' },
    response: meResponse,
    errors: [404, 409],
  })
  suspend(
    @Param('id', { schema: idParam }) id: string,
    @Body({ schema: suspendBody }) body: z.infer<typeof suspendBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.suspend(actor, id, body?.reason, meta);
  }

  @Can('users:write')
  @Post('users/:id/reactivate')
  @Route({
    operationId: 'reactivateUser',
    summary: 'Lift a suspension',
    auth: { permission: 'users:write' },
    response: meResponse,
    errors: [404, 409],
  })
  reactivate(
    @Param('id', { schema: idParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.reactivate(actor, id, meta);
  }
}
