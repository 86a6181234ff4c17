import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import { adminOrdersQuery, ordersPage, type AdminOrdersQuery } from './orders.dto.js';
import { OrdersService } from './orders.service.js';

@ApiTags('admin: orders')
@Controller('v1/admin/orders')
export class OrdersAdminController {
  constructor(private readonly orders: OrdersService) {}

  @Can('orders:read')
  @Get()
  @Route({
    operationId: 'listOrdersForStaff',
    summary: 'Orders of the branches the caller works at, newest first',
    description:
      'Branch-scoped staff see only their branches’ orders (another branch’s `branchId` answers 403 `orders/not-your-branch`); an admin sees every branch. Filter by `branchId` and `status`.',
    auth: { permission: 'orders:read' },
    response: ordersPage,
    errors: [403],
  })
  list(@Query({ schema: adminOrdersQuery }) query: AdminOrdersQuery, @CurrentActor() actor: UserActor) {
    return this.orders.listForStaff(actor, query);
  }
}
