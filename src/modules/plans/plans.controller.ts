import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { PlansCatalogService } from './plans-catalog.service.js';
import { plansList } from './plans.dto.js';

@ApiTags('plans')
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly catalog: PlansCatalogService) {}

  @Public()
  @Get()
  @Route({
    operationId: 'listPlans',
    summary: 'The plans on offer (active ones), cheapest first',
    description:
      'Each plan is a price per period (`monthly` or `yearly`, minor units of `currency`) and its benefits each period: free video consultations, free delivery, a percent off OTC lines.',
    auth: 'public',
    response: plansList,
  })
  list() {
    return this.catalog.listActive();
  }
}
