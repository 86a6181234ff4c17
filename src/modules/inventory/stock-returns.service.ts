import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../kernel/auth/index.js';
import { InventoryErrors } from './inventory.errors.js';
import { InventoryRepository } from './inventory.repository.js';
import { mergeLines } from './inventory.rules.js';
import { movementActor, type ReserveLine } from './inventory.service.js';

/** Goods that come back after a sale (exported from index.ts): counted into quarantine, never on sale again. */
@Injectable()
export class StockReturnsService {
  constructor(private readonly repo: InventoryRepository) {}

  /**
   * Goods of a sale handed back (a refund): counted into quarantine from the lots they were sold from (first
   * expiry first), never on hand again, with a `returned` movement (no change to on hand) for the trail. The
   * sale must be committed, and no product may come back more often than it was sold.
   */
  async quarantine(
    ref: string,
    lines: ReserveLine[],
    opts: { actor: Actor; reason: string; movementRef: string },
    tx?: DbOrTx,
  ): Promise<void> {
    await this.repo.transaction(async (t) => {
      await this.repo.lockReference(t, ref);
      const sold = await this.repo.reservationLines(ref, t);
      if (sold.length === 0) throw InventoryErrors.reservationNotFound();
      if (sold[0]!.status !== 'committed') throw InventoryErrors.reservationClosed(sold[0]!.status);
      const back = await this.repo.quarantinedFor(ref, t);
      const rows: { lotId: string; branchId: string; productId: string; quantity: number }[] = [];
      for (const line of mergeLines(lines)) {
        let left = line.quantity;
        for (const lot of sold.filter((s) => s.productId === line.productId)) {
          const open = lot.quantity - (back.get(lot.lotId) ?? 0);
          const take = Math.min(open, left);
          if (take <= 0) continue;
          rows.push({ lotId: lot.lotId, branchId: lot.branchId, productId: lot.productId, quantity: take });
          back.set(lot.lotId, (back.get(lot.lotId) ?? 0) + take);
          left -= take;
        }
        if (left > 0) throw InventoryErrors.returnExceedsSale(line.productId);
      }
      const who = movementActor(opts.actor);
      await this.repo.insertQuarantine(
        t,
        rows.map((r) => ({ ...r, reference: ref, reason: opts.reason, actorId: who.actorId })),
      );
      await this.repo.insertMovements(
        t,
        rows.map((r) => ({
          lotId: r.lotId,
          branchId: r.branchId,
          productId: r.productId,
          type: 'returned' as const,
          onHandDelta: 0,
          reservedDelta: 0,
          ...who,
          reason: `quarantined, not for sale (${r.quantity}): ${opts.reason}`.slice(0, 500),
          reference: opts.movementRef,
        })),
      );
    }, tx);
  }
}
