import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { publicOffersPage, publicOffersQuery } from './offers.dto.js';
import { OffersService } from './offers.service.js';

@ApiTags('offers')
@Controller('v1/offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Public()
  @Get()
  @Route({
    summary: 'Offers running now, ending soonest first',
    description:
      'Automatic offers only: offers that need a coupon code are not listed (checkout applies them when the code is entered). By default an offer never applies to Rx-only or controlled products (`appliesToRestricted`).',
    auth: 'public',
    response: publicOffersPage,
  })
  list(@Query({ schema: publicOffersQuery }) query: z.infer<typeof publicOffersQuery>) {
    return this.offers.listActive(query);
  }
}
