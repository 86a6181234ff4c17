import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { AuditService } from '../audit/index.js';
import type {
  AdjustBody,
  LotView,
  ReceiveBody,
  TransferBody,
  TransferView,
  WriteOffBody,
  WriteOffView,
} from './inventory.dto.js';
import { InventoryErrors } from './inventory.errors.js';
import { InventoryRepository, type LotRow } from './inventory.repository.js';
import { isExpired, isoDate, isSellable } from './inventory.rules.js';
import { movementActor } from './inventory.service.js';
import { StockAccess } from './stock-access.js';

/**
 * Staff use cases on a branch's stock. Each is one transaction that appends its movements: the caller's when
 * given (`tx`, db/transaction.ts), else its own; the branch and lot reads that guard a change run inside it.
 */
@Injectable()
export class StockService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: InventoryRepository,
    private readonly access: StockAccess,
    private readonly audit: AuditService,
  ) {}

  /** Goods in: adds to the lot (created on first receipt); a lot number keeps the expiry it was first received with. */
  async receive(
    actor: UserActor,
    branchId: string,
    body: ReceiveBody,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<LotView> {
    const lot = await this.repo.transaction(async (tx) => {
      await this.access.branch(actor, 'stock:write', branchId, meta, tx);
      if (isExpired(body.expiresOn, this.today())) throw InventoryErrors.lotExpired();
      const { productId, lotNumber, expiresOn } = body;
      const [locked] = await this.lockOrCreate(tx, [{ branchId, productId, lotNumber, expiresOn }]);
      const row = await this.repo.changeLot(tx, locked.id, body.quantity, 0);
      if (!row) throw InventoryErrors.quantityTooLarge();
      await this.repo.insertMovements(tx, [
        {
          lotId: row.id,
          branchId,
          productId: body.productId,
          type: 'received',
          onHandDelta: body.quantity,
          reservedDelta: 0,
          ...movementActor(actor),
          reference: body.reference ?? null,
        },
      ]);
      return row;
    }, tx);
    return this.view(lot);
  }

  /** A correction after a count, damage or loss: audited; on hand never drops below what is reserved. */
  async adjust(
    actor: UserActor,
    branchId: string,
    body: AdjustBody,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<LotView> {
    const lot = await this.repo.transaction(async (tx) => {
      await this.access.branch(actor, 'stock:adjust', branchId, meta, tx);
      const found = await this.repo.findLot(branchId, body.productId, body.lotNumber, tx);
      if (!found) throw InventoryErrors.lotNotFound();
      const [locked] = await this.repo.lockLots(tx, [found.id]);
      const delta = body.delta ?? body.countedOnHand! - locked.onHand;
      if (delta === 0) return locked;
      if (locked.onHand + delta < locked.reserved) throw InventoryErrors.belowReserved(locked.reserved);
      const row = await this.repo.changeLot(tx, locked.id, delta, 0);
      if (!row) throw InventoryErrors.quantityTooLarge();
      await this.repo.insertMovements(tx, [
        {
          lotId: row.id,
          branchId,
          productId: row.productId,
          type: 'adjusted',
          onHandDelta: delta,
          reservedDelta: 0,
          ...movementActor(actor),
          reason: body.reason,
        },
      ]);
      await this.audit.record(
        {
          actor,
          action: 'stock.adjusted',
          subjectType: 'stock_lot',
          subjectId: row.id,
          meta,
          details: {
            branchId,
            productId: row.productId,
            lotNumber: row.lotNumber,
            delta,
            onHand: row.onHand,
            reason: body.reason,
          },
        },
        tx,
      );
      return row;
    }, tx);
    return this.view(lot);
  }

  /**
   * Out at one branch, in at the other, in one transaction: the same lot number and expiry travel with the
   * units. Only unreserved units move. Needs the permission at the source.
   */
  async transfer(
    actor: UserActor,
    branchId: string,
    body: TransferBody,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<TransferView> {
    const reference = `transfer:${newId()}`;
    const [from, to] = await this.repo.transaction(async (tx) => {
      await this.access.branch(actor, 'stock:write', branchId, meta, tx);
      if (body.toBranchId === branchId) throw InventoryErrors.sameBranch();
      await this.access.activeBranch(body.toBranchId, tx);
      const source = await this.repo.findLot(branchId, body.productId, body.lotNumber, tx);
      if (!source) throw InventoryErrors.lotNotFound();
      const key = { productId: source.productId, lotNumber: source.lotNumber, expiresOn: source.expiresOn };
      const [lockedSource, target] = await this.lockOrCreate(tx, [
        { ...key, branchId },
        { ...key, branchId: body.toBranchId },
      ]);
      const available = lockedSource.onHand - lockedSource.reserved;
      if (available < body.quantity) throw InventoryErrors.insufficientStock(body.productId, body.quantity, available);
      const out = await this.repo.changeLot(tx, source.id, -body.quantity, 0);
      const into = await this.repo.changeLot(tx, target.id, body.quantity, 0);
      if (!out || !into) throw InventoryErrors.quantityTooLarge();
      const common = {
        productId: body.productId,
        reservedDelta: 0,
        ...movementActor(actor),
        reason: body.reason ?? null,
        reference,
      };
      await this.repo.insertMovements(tx, [
        { ...common, lotId: out.id, branchId, type: 'transferred_out', onHandDelta: -body.quantity },
        { ...common, lotId: into.id, branchId: body.toBranchId, type: 'transferred_in', onHandDelta: body.quantity },
      ]);
      return [out, into];
    }, tx);
    return { reference, from: this.view(from), to: this.view(to) };
  }

  /** Takes every expired lot's unreserved units off the shelf (type `expired`), audited. */
  async writeOffExpired(
    actor: UserActor,
    branchId: string,
    body: WriteOffBody,
    meta?: RequestMeta,
    tx?: DbOrTx,
  ): Promise<WriteOffView> {
    const reason = body.reason ?? 'expired';
    const lots = await this.repo.transaction(async (tx) => {
      await this.access.branch(actor, 'stock:write', branchId, meta, tx);
      const expired = await this.repo.lockExpiredLots(tx, branchId, this.today(), body.productId);
      const done: (LotRow & { writtenOff: number })[] = [];
      for (const lot of expired) {
        const quantity = lot.onHand - lot.reserved;
        const row = await this.repo.changeLot(tx, lot.id, -quantity, 0);
        if (row) done.push({ ...row, writtenOff: quantity });
      }
      await this.repo.insertMovements(
        tx,
        done.map((l) => ({
          lotId: l.id,
          branchId,
          productId: l.productId,
          type: 'expired' as const,
          onHandDelta: -l.writtenOff,
          reservedDelta: 0,
          ...movementActor(actor),
          reason,
        })),
      );
      if (done.length > 0)
        await this.audit.record(
          {
            actor,
            action: 'stock.written-off',
            subjectType: 'branch',
            subjectId: branchId,
            meta,
            details: { reason, lots: done.map((l) => ({ lotId: l.id, quantity: l.writtenOff })) },
          },
          tx,
        );
      return done;
    }, tx);
    return {
      quantity: lots.reduce((s, l) => s + l.writtenOff, 0),
      lots: lots.map((l) => ({ ...this.view(l), writtenOff: l.writtenOff })),
    };
  }

  view(l: LotRow): LotView {
    return {
      id: l.id,
      branchId: l.branchId,
      productId: l.productId,
      lotNumber: l.lotNumber,
      expiresOn: l.expiresOn,
      onHand: l.onHand,
      reserved: l.reserved,
      available: l.onHand - l.reserved,
      sellable: isSellable(l.expiresOn, this.today(), this.config.inventory.expiryMarginDays),
      updatedAt: l.updatedAt.toISOString(),
    };
  }

  private today(): string {
    return isoDate(this.clock.now());
  }

  /**
   * The lots, each created empty on first sight, locked together in the global lock order (two transfers
   * in opposite directions must not wait on each other); each lot's expiry must match the one given.
   */
  private async lockOrCreate(tx: DbOrTx, lots: LotKey[]): Promise<LotRow[]> {
    const ids: string[] = [];
    for (const lot of lots) {
      if (!(await this.repo.ensureLot(tx, lot))) throw InventoryErrors.productNotFound();
      ids.push((await this.repo.findLot(lot.branchId, lot.productId, lot.lotNumber, tx))!.id);
    }
    const locked = new Map((await this.repo.lockLots(tx, ids)).map((l) => [l.id, l]));
    return ids.map((id, i) => {
      const row = locked.get(id)!;
      if (row.expiresOn !== lots[i].expiresOn) throw InventoryErrors.lotExpiryMismatch(row.expiresOn);
      return row;
    });
  }
}

interface LotKey {
  branchId: string;
  productId: string;
  lotNumber: string;
  expiresOn: string;
}
