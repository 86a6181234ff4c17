import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, Route } from '../../kernel/http/index.js';
import {
  adminOrdersQuery,
  orderIdParam,
  orderView,
  ordersPage,
  transitionBody,
  type AdminOrdersQuery,
  type TransitionBody,
} from './orders.dto.js';
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

  @Can('orders:write')
  @Post(':id/transition')
  @Idempotent()
  @Route({
    operationId: 'transitionOrder',
    summary: 'Move an order along its lifecycle',
    description:
      'Staff of the order’s branch (any branch for an admin; another branch 403 `auth/forbidden`): confirmed → preparing → ready → out_for_delivery (deliveries) → completed, or ready → completed (pickups); cancelled from any open state. A step the table does not have 409 `common/illegal-transition`; a concurrent step won 409 `common/transition-conflict`. Completing commits the reserved stock (sold) and, for cash on delivery, records the cash taken; cancelling releases the stock and gives a wallet payment back.',
    auth: { permission: 'orders:write' },
    response: orderView,
    errors: [404, 409],
  })
  transition(
    @Param('id', { schema: orderIdParam }) id: string,
    @Body({ schema: transitionBody }) body: TransitionBody,
    @CurrentActor() actor: UserActor,
  ) {
    return this.orders.transitionByStaff(actor, id, body.to, body.reason);
  }
}
