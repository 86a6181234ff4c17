import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
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
    summary: 'Create a branch',
    description:
      'Opening hours are weekly intervals on the branch’s wall clock; `closes` before `opens` ends the next day.',
    auth: { permission: 'branches:write' },
    status: 201,
    response: branchView,
  })
  create(@Body({ schema: createBranchBody }) body: CreateBranchBody) {
    return this.branches.create(body);
  }

  @Can('branches:write')
  @Patch(':id')
  @Route({
    summary: 'Change a branch (also `active: false` to close it)',
    auth: { permission: 'branches:write' },
    response: branchView,
    errors: [404],
  })
  update(
    @Param('id', { schema: branchIdParam }) id: string,
    @Body({ schema: updateBranchBody }) body: UpdateBranchBody,
  ) {
    return this.branches.update(id, body);
  }
}
