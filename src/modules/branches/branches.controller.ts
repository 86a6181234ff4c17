import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { branchesPage, branchIdParam, branchView, listBranchesQuery, type ListBranchesQuery } from './branches.dto.js';
import { BranchesService } from './branches.service.js';

@ApiTags('branches')
@Controller('v1/branches')
export class BranchesController {
  constructor(private readonly branches: BranchesService) {}

  @Public()
  @Get()
  @Route({
    summary: 'Active branches; nearest first with distance when lat and lng are given',
    description: '`openNow` is computed on the branch’s own wall clock (its IANA time zone).',
    auth: 'public',
    response: branchesPage,
  })
  list(@Query({ schema: listBranchesQuery }) query: ListBranchesQuery) {
    return this.branches.list(query);
  }

  @Public()
  @Get(':id')
  @Route({ summary: 'One active branch', auth: 'public', response: branchView, errors: [404] })
  get(@Param('id', { schema: branchIdParam }) id: string) {
    return this.branches.get(id);
  }
}
