import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  branchIdParam,
  branchView,
  createBranchBody,
  updateBranchBody,
  type CreateBranchBody,
  type UpdateBranchBody,
} from './branches.dto.js';
import { BranchesService } from './branches.service.js';

@ApiTags('admin: branches')
@Controller('v1/admin/branches')
export class BranchesAdminController {
  constructor(private readonly branches: BranchesService) {}

  @Can('branches:write')
  @Post()
  @Route({
    summary: 'Create a branch (audited)',
    description:
      'Opening hours are weekly intervals on the branch’s wall clock; `closes` before `opens` ends the next day.',
    auth: { permission: 'branches:write' },
    status: 201,
    response: branchView,
  })
  create(
    @Body({ schema: createBranchBody }) body: CreateBranchBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.branches.create(actor, body, meta);
  }

  @Can('branches:write')
  @Patch(':id')
  @Route({
    summary: 'Change a branch (also `active: false` to close it); audited with what changed',
    auth: { permission: 'branches:write' },
    response: branchView,
    errors: [404],
  })
  update(
    @Param('id', { schema: branchIdParam }) id: string,
    @Body({ schema: updateBranchBody }) body: UpdateBranchBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.branches.update(actor, id, body, meta);
  }
}
