import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  adminOfferResponse,
  adminOffersPage,
  adminOffersQuery,
  createOfferBody,
  offerIdParam,
  updateOfferBody,
} from './offers.dto.js';
import { OffersService } from './offers.service.js';

@ApiTags('admin: offers')
@Controller('v1/admin/offers')
export class OffersAdminController {
  constructor(private readonly offers: OffersService) {}

  @Can('offers:write')
  @Post()
  @Route({
    summary: 'Create an offer (percentage or fixed; product, category or cart; optional coupon code)',
    description:
      'Money in minor units. `productId` names the product of a product offer, `categoryId` the category of a category offer. Coupon codes are case-insensitive and unique (409 `offers/coupon-taken`); an unknown product or category answers 400 `offers/unknown-product` / `offers/unknown-category`.',
    auth: { permission: 'offers:write' },
    status: 201,
    response: adminOfferResponse,
    errors: [409],
  })
  create(
    @Body({ schema: createOfferBody }) body: z.infer<typeof createOfferBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.offers.create(actor, body, meta);
  }

  @Can('offers:write')
  @Patch(':id')
  @Route({
    summary: 'Change an offer (the usage count is kept; a global limit cannot go below it)',
    description: '`null` clears a limit, the coupon code or a target. Changing the scope drops the old target.',
    auth: { permission: 'offers:write' },
    response: adminOfferResponse,
    errors: [404, 409],
  })
  update(
    @Param('id', { schema: offerIdParam }) id: string,
    @Body({ schema: updateOfferBody }) body: z.infer<typeof updateOfferBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.offers.update(actor, id, body, meta);
  }

  @Can('offers:write')
  @Get()
  @Route({
    summary: 'List offers, newest first (filter by status, name, coupon code)',
    auth: { permission: 'offers:write' },
    response: adminOffersPage,
  })
  list(@Query({ schema: adminOffersQuery }) query: z.infer<typeof adminOffersQuery>) {
    return this.offers.listForAdmin(query);
  }

  @Can('offers:write')
  @Get(':id')
  @Route({
    summary: 'One offer with its usage',
    auth: { permission: 'offers:write' },
    response: adminOfferResponse,
    errors: [404],
  })
  get(@Param('id', { schema: offerIdParam }) id: string) {
    return this.offers.get(id);
  }
}
