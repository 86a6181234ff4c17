import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { availabilityQuery, availabilityView, idParam, type AvailabilityQuery } from './inventory.dto.js';
import { InventoryService } from './inventory.service.js';

@ApiTags('inventory')
@Controller('v1/products')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Public()
  @Get(':id/availability')
  @Route({
    operationId: 'getProductAvailability',
    summary: 'Branches that can sell the product now, nearest first when lat and lng are given',
    description:
      'Sellable units per active branch: lots neither expired nor inside the expiry margin, net of reservations. ' +
      'An unknown product, or one whose only stock is expired, has no items.',
    auth: 'public',
    response: availabilityView,
  })
  availability(
    @Param('id', { schema: idParam }) id: string,
    @Query({ schema: availabilityQuery }) query: AvailabilityQuery,
  ) {
    return this.inventory.availability(id, query);
  }
}
