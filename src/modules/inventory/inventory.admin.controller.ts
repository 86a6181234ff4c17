import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  adjustBody,
  expiringQuery,
  idParam,
  lotsPage,
  lotView,
  movementsPage,
  movementsQuery,
  receiveBody,
  stockQuery,
  transferBody,
  transferView,
  writeOffBody,
  writeOffView,
  type AdjustBody,
  type ExpiringQuery,
  type MovementsQuery,
  type ReceiveBody,
  type StockQuery,
  type TransferBody,
  type WriteOffBody,
} from './inventory.dto.js';
import { StockReportsService } from './stock-reports.service.js';
import { StockService } from './stock.service.js';

const AT_BRANCH = 'Branch-scoped staff only at their own branches (403 `inventory/not-your-branch` elsewhere).';

@ApiTags('admin: stock')
@Controller('v1/admin')
export class InventoryAdminController {
  constructor(
    private readonly stock: StockService,
    private readonly reports: StockReportsService,
  ) {}

  @Can('stock:write')
  @Post('branches/:id/stock/receive')
  @Idempotent()
  @Route({
    operationId: 'receiveStock',
    summary: 'Receive units of a lot (created on first receipt)',
    description: `${AT_BRANCH} A lot number keeps the expiry it was first received with (409 otherwise).`,
    auth: { permission: 'stock:write' },
    status: 201,
    response: lotView,
    errors: [404, 409],
  })
  receive(
    @Param('id', { schema: idParam }) branchId: string,
    @Body({ schema: receiveBody }) body: ReceiveBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.stock.receive(actor, branchId, body, meta);
  }

  @Can('stock:adjust')
  @Post('branches/:id/stock/adjust')
  @Idempotent()
  @Route({
    operationId: 'adjustStock',
    summary: 'Correct a lot after a count, damage or loss (audited)',
    description: `${AT_BRANCH} On hand never goes below the reserved units (409).`,
    auth: { permission: 'stock:adjust' },
    response: lotView,
    errors: [404, 409],
  })
  adjust(
    @Param('id', { schema: idParam }) branchId: string,
    @Body({ schema: adjustBody }) body: AdjustBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.stock.adjust(actor, branchId, body, meta);
  }

  @Can('stock:write')
  @Post('branches/:id/stock/transfer')
  @Idempotent()
  @Route({
    operationId: 'transferStock',
    summary: 'Move unreserved units of a lot to another branch (one transaction)',
    description: `${AT_BRANCH} The permission is needed at the source branch (the path).`,
    auth: { permission: 'stock:write' },
    response: transferView,
    errors: [404, 409],
  })
  transfer(
    @Param('id', { schema: idParam }) branchId: string,
    @Body({ schema: transferBody }) body: TransferBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.stock.transfer(actor, branchId, body, meta);
  }

  @Can('stock:write')
  @Post('branches/:id/stock/write-off')
  @Idempotent()
  @Route({
    operationId: 'writeOffStock',
    summary: 'Write off the unreserved units of every expired lot (audited)',
    description: AT_BRANCH,
    auth: { permission: 'stock:write' },
    response: writeOffView,
    errors: [404, 409],
  })
  writeOff(
    @Param('id', { schema: idParam }) branchId: string,
    @Body({ schema: writeOffBody }) body: WriteOffBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.stock.writeOffExpired(actor, branchId, body, meta);
  }

  @Can('stock:read')
  @Get('branches/:id/stock')
  @Route({
    operationId: 'listBranchStock',
    summary: 'Lots with units on hand at a branch',
    description: AT_BRANCH,
    auth: { permission: 'stock:read' },
    response: lotsPage,
    errors: [404],
  })
  stockAt(
    @Param('id', { schema: idParam }) branchId: string,
    @Query({ schema: stockQuery }) query: StockQuery,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.reports.stockAt(actor, branchId, query, meta);
  }

  @Can('stock:read')
  @Get('branches/:id/stock/expiring')
  @Route({
    operationId: 'listExpiringStock',
    summary: 'Lots at a branch expiring within `days` (expired ones included), soonest first',
    description: AT_BRANCH,
    auth: { permission: 'stock:read' },
    response: lotsPage,
    errors: [404],
  })
  expiring(
    @Param('id', { schema: idParam }) branchId: string,
    @Query({ schema: expiringQuery }) query: ExpiringQuery,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.reports.expiringAt(actor, branchId, query, meta);
  }

  @Can('stock:read')
  @Get('products/:id/movements')
  @Route({
    operationId: 'listProductMovements',
    summary: 'Stock movements of a product, newest first',
    description: 'Branch-scoped staff see their branches’ movements only; `branchId` narrows to one branch.',
    auth: { permission: 'stock:read' },
    response: movementsPage,
  })
  movements(
    @Param('id', { schema: idParam }) productId: string,
    @Query({ schema: movementsQuery }) query: MovementsQuery,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.reports.movements(actor, productId, query, meta);
  }
}
