import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { PlansCatalogService } from './plans-catalog.service.js';
import {
  createPlanBody,
  planIdParam,
  planView,
  updatePlanBody,
  type CreatePlanBody,
  type UpdatePlanBody,
} from './plans.dto.js';

@ApiTags('admin: plans')
@Controller('v1/admin/plans')
export class PlansAdminController {
  constructor(private readonly catalog: PlansCatalogService) {}

  @Can('plans:write')
  @Post()
  @Route({
    operationId: 'createPlan',
    summary: 'Create a plan (names en/ar, interval, price, benefits)',
    description: 'Money in minor units of the deployment currency. `otcPercentOff` is 0–100.',
    auth: { permission: 'plans:write' },
    status: 201,
    response: planView,
  })
  create(
    @Body({ schema: createPlanBody }) body: CreatePlanBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.catalog.create(actor, body, meta);
  }

  @Can('plans:write')
  @Patch(':id')
  @Route({
    operationId: 'updatePlan',
    summary: 'Change a plan (names, price, benefits, active)',
    description:
      'The interval is fixed. A new price applies to new subscribers (current ones keep theirs); benefits apply to everyone from the next use. `active: false` stops new subscriptions; current ones renew.',
    auth: { permission: 'plans:write' },
    response: planView,
    errors: [404],
  })
  update(
    @Param('id', { schema: planIdParam }) id: string,
    @Body({ schema: updatePlanBody }) body: UpdatePlanBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.catalog.update(actor, id, body, meta);
  }
}
