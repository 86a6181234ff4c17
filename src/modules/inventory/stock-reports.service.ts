import { Inject, Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import type { ExpiringQuery, LotView, MovementView, MovementsQuery, StockQuery } from './inventory.dto.js';
import { InventoryQueries } from './inventory-reports.repository.js';
import { addDays, isoDate } from './inventory.rules.js';
import { StockAccess } from './stock-access.js';
import { StockService } from './stock.service.js';

const lotKeyCursor = cursorShape(cursorField.id, cursorField.text(64));
const expiryCursor = cursorShape(cursorField.date, cursorField.id);
const idCursor = cursorShape(cursorField.id);

/** Staff reports, each limited to the branches where the reader holds stock:read. */
@Injectable()
export class StockReportsService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queries: InventoryQueries,
    private readonly access: StockAccess,
    private readonly stock: StockService,
  ) {}

  /** Lots with units on hand at a branch, by product and lot number. */
  async stockAt(actor: UserActor, branchId: string, query: StockQuery, meta?: RequestMeta): Promise<Page<LotView>> {
    await this.access.branch(actor, 'stock:read', branchId, meta);
    const after = decodeCursor(query.cursor, lotKeyCursor);
    const rows = await this.queries.lotsAtBranch(branchId, { productId: query.productId, after }, query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.productId, r.lotNumber],
      (r) => this.stock.view(r),
    );
  }

  /** Lots expiring within `days` (expired ones first), soonest first. */
  async expiringAt(
    actor: UserActor,
    branchId: string,
    query: ExpiringQuery,
    meta?: RequestMeta,
  ): Promise<Page<LotView>> {
    await this.access.branch(actor, 'stock:read', branchId, meta);
    const after = decodeCursor(query.cursor, expiryCursor);
    const until = addDays(isoDate(this.clock.now()), query.days);
    const rows = await this.queries.expiringAtBranch(branchId, until, after, query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.expiresOn, r.id],
      (r) => this.stock.view(r),
    );
  }

  /** A product's movements, newest first, at the reader's branches (or one of them). */
  async movements(
    actor: UserActor,
    productId: string,
    query: MovementsQuery,
    meta?: RequestMeta,
  ): Promise<Page<MovementView>> {
    let branchIds = this.access.scope(actor, 'stock:read');
    if (query.branchId) {
      await this.access.branch(actor, 'stock:read', query.branchId, meta);
      branchIds = [query.branchId];
    }
    const before = decodeCursor(query.cursor, idCursor);
    const rows = await this.queries.movementsOfProduct(productId, branchIds, before?.[0], query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => ({
        id: r.id,
        lotId: r.lotId,
        branchId: r.branchId,
        productId: r.productId,
        lotNumber: r.lotNumber,
        expiresOn: r.expiresOn,
        type: r.type,
        onHandDelta: r.onHandDelta,
        reservedDelta: r.reservedDelta,
        actorId: r.actorId,
        actorType: r.actorType,
        reason: r.reason,
        reference: r.reference,
        createdAt: r.createdAt.toISOString(),
      }),
    );
  }
}
