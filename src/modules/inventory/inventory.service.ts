import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR, type Actor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { transition } from '../../kernel/state-machine.js';
import { BranchesService, branchNotFound } from '../branches/index.js';
import type { AvailabilityQuery, AvailabilityView } from './inventory.dto.js';
import { InventoryErrors } from './inventory.errors.js';
import { InventoryQueries, type IntegrityDifference } from './inventory-reports.repository.js';
import { InventoryRepository, type NewMovement, type ReservationLine } from './inventory.repository.js';
import { reservationMachine } from './inventory.machine.js';
import { allocateFefo, isoDate, mergeLines, sellableCutoff } from './inventory.rules.js';
import { assertReservable, replay, toReservation } from './reservation.view.js';

export interface ReserveLine {
  productId: string;
  quantity: number;
}

/** What a reference holds: per product, the lots it was allocated (first expiry first). */
export interface Reservation {
  ref: string;
  branchId: string;
  status: 'active' | 'released' | 'committed';
  expiresAt: string;
  lines: {
    productId: string;
    quantity: number;
    lots: { lotId: string; lotNumber: string; expiresOn: string; quantity: number }[];
  }[];
}

/** The movement's actor columns: a person, or the system (jobs). */
export function movementActor(actor: Actor): Pick<NewMovement, 'actorId' | 'actorType'> {
  return actor.kind === 'user'
    ? { actorId: actor.userId, actorType: actor.accountType }
    : { actorId: null, actorType: 'system' };
}

const RELEASE_BATCH = 200;

/**
 * Stock for the modules that sell it (cart, orders): reserve at checkout, commit when sold, release when the
 * checkout is abandoned (or by the expiry job). Each call is idempotent per reference and runs in the caller's
 * transaction when given one (`tx`, db/transaction.ts), else in its own. The reservation's status moves
 * through inventory.machine.ts.
 */
@Injectable()
export class InventoryService {
  private readonly logger = new Logger('Inventory');

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: InventoryRepository,
    private readonly queries: InventoryQueries,
    private readonly branches: BranchesService,
  ) {}

  /** The expiry date at or before which a lot is not sold today. */
  cutoff(): string {
    // The same for a whole UTC day: computed once a day, not per read.
    const now = this.clock.now();
    const day = Math.floor(now.getTime() / 86_400_000);
    if (this.cutoffOf?.day !== day)
      this.cutoffOf = { day, value: sellableCutoff(isoDate(now), this.config.inventory.expiryMarginDays) };
    return this.cutoffOf.value;
  }
  private cutoffOf: { day: number; value: string } | undefined;

  /**
   * Reserves every line at one branch, first expiry first out over the sellable lots, or nothing at all
   * (`inventory/insufficient-stock`). The lots are locked in one global order, so concurrent reservations
   * queue instead of deadlocking, and each sees the units the previous ones left. Calling again with the same
   * reference and lines returns the same reservation. The branch is checked (active) and held in the same
   * transaction, so it cannot be deactivated between the check and the commit.
   */
  async reserve(
    branchId: string,
    lines: readonly ReserveLine[],
    ref: string,
    ttlSeconds = this.config.inventory.reservationTtlMinutes * 60,
    actor: Actor = SYSTEM_ACTOR,
    tx?: DbOrTx,
  ): Promise<Reservation> {
    const merged = mergeLines(lines);
    assertReservable(merged, ref, ttlSeconds);
    const cutoff = this.cutoff();
    const expiresAt = new Date(this.clock.now().getTime() + ttlSeconds * 1000);
    try {
      return await this.repo.transaction(async (t) => {
        const branch = await this.branches.findHeld(branchId, t);
        if (!branch || !branch.active) throw branchNotFound();
        await this.repo.lockReference(t, ref);
        const existing = await this.repo.reservationLines(ref, t);
        if (existing.length > 0) return replay(ref, existing, branchId, merged);
        return this.allocate(t, branchId, merged, ref, expiresAt, cutoff, actor);
      }, tx);
    } catch (err) {
      if (!(err instanceof ReferenceTaken)) throw err;
      // Joined: the caller's transaction holds the lots this call moved, so it must fail (and roll back) too.
      if (tx) throw InventoryErrors.reservationConflict();
      // A writer that skipped the lock committed this reference first; ours rolled back: answer as a replay.
      return replay(ref, await this.repo.reservationLines(ref), branchId, merged);
    }
  }

  /**
   * Reserves under a reference minted in the caller's transaction (a new order's id), which nobody else can
   * know yet: nothing to replay and no one to serialise with, so no reference lock and no lookup. The caller
   * holds the branch (read FOR SHARE and checked active in its transaction, as checkout's pricing does); a
   * lot of a branch switched off is not sellable either way. Otherwise as reserve().
   */
  async reserveNew(
    branchId: string,
    lines: readonly ReserveLine[],
    ref: string,
    ttlSeconds: number,
    actor: Actor,
    tx: DbOrTx,
  ): Promise<Reservation> {
    const merged = mergeLines(lines);
    assertReservable(merged, ref, ttlSeconds);
    const expiresAt = new Date(this.clock.now().getTime() + ttlSeconds * 1000);
    try {
      return await this.allocate(tx, branchId, merged, ref, expiresAt, this.cutoff(), actor);
    } catch (err) {
      if (err instanceof ReferenceTaken) throw InventoryErrors.reservationConflict();
      throw err;
    }
  }

  /**
   * The body of a first reserve, in two statements whatever the lines: every product's sellable lots locked
   * at once (in the one lock order), first expiry first out chosen here, then the lots moved, their movements
   * and the reservation rows written together (repository reserveLots).
   */
  private async allocate(
    tx: DbOrTx,
    branchId: string,
    merged: ReserveLine[],
    ref: string,
    expiresAt: Date,
    cutoff: string,
    actor: Actor,
  ): Promise<Reservation> {
    const locked = await this.repo.lockSellableLotsOf(
      tx,
      branchId,
      merged.map((l) => l.productId),
      cutoff,
    );
    const rows: { lotId: string; productId: string; quantity: number }[] = [];
    const held: Omit<ReservationLine, 'reservationId'>[] = [];
    for (const line of merged) {
      const lots = locked.filter((l) => l.productId === line.productId);
      const available = lots.map((l) => ({ id: l.id, expiresOn: l.expiresOn, available: l.onHand - l.reserved }));
      const allocation = allocateFefo(available, line.quantity);
      if (!allocation) {
        const total = available.reduce((s, l) => s + l.available, 0);
        throw InventoryErrors.insufficientStock(line.productId, line.quantity, total);
      }
      for (const a of allocation) {
        const lot = lots.find((l) => l.id === a.lotId)!;
        rows.push({ lotId: a.lotId, productId: line.productId, quantity: a.quantity });
        held.push({
          lotId: a.lotId,
          quantity: a.quantity,
          status: 'active',
          expiresAt,
          branchId,
          productId: line.productId,
          lotNumber: lot.lotNumber,
          expiresOn: lot.expiresOn,
        });
      }
    }
    const written = await this.repo.reserveLots(tx, { ref, branchId, expiresAt, actor: movementActor(actor), rows });
    // The lots are locked and were read in this transaction, so a lot cannot refuse its units now.
    if (written.moved !== rows.length) throw InventoryErrors.insufficientStock(rows[0].productId, 0, 0);
    // A concurrent writer committed this reference first (the unique (ref, line) waited for it, then skipped).
    if (written.reserved !== rows.length) throw new ReferenceTaken();
    // What was written, in the order reservationLines reads it (product, then first expiry, then lot id).
    return toReservation(ref, held);
  }

  /** Gives the units back. Nothing to release (already released or committed) changes nothing; null: no such reference. */
  async release(
    ref: string,
    actor: Actor = SYSTEM_ACTOR,
    reason = 'released',
    tx?: DbOrTx,
  ): Promise<Reservation | null> {
    return this.repo.transaction(async (t) => {
      await this.repo.lockReference(t, ref);
      const lines = await this.repo.reservationLines(ref, t);
      if (lines.length === 0) return null;
      if (lines[0].status !== 'active') return toReservation(ref, lines);
      await this.close(t, ref, 'released', actor, reason);
      return toReservation(ref, await this.repo.reservationLines(ref, t));
    }, tx);
  }

  /**
   * The reserved units are sold: they leave on hand and reserved together. Committing twice is a no-op; a
   * reservation already released (abandoned or expired) cannot be sold any more. An active reservation past
   * its expiry that the job has not reached yet still commits: the units were never given to anyone else.
   */
  async commit(ref: string, actor: Actor = SYSTEM_ACTOR, tx?: DbOrTx): Promise<Reservation> {
    return this.repo.transaction(async (t) => {
      await this.repo.lockReference(t, ref);
      const lines = await this.repo.reservationLines(ref, t);
      if (lines.length === 0) throw InventoryErrors.reservationNotFound();
      if (lines[0].status === 'committed') return toReservation(ref, lines);
      if (lines[0].status === 'released') throw InventoryErrors.reservationClosed('released');
      await this.close(t, ref, 'committed', actor, 'sold');
      return toReservation(ref, await this.repo.reservationLines(ref, t));
    }, tx);
  }

  /** The job: releases every reservation past its expiry. Returns how many references it released. */
  async releaseExpired(): Promise<number> {
    let released = 0;
    for (;;) {
      const refs = await this.repo.dueReferences(this.clock.now(), RELEASE_BATCH);
      let round = 0;
      // Re-checked under the reference's lock: a commit may have come first.
      for (const ref of refs) if (await this.releaseIfDue(ref)) round++;
      released += round;
      if (refs.length < RELEASE_BATCH || round === 0) return released;
    }
  }

  /** Rebuilds every lot's balances from its movements and reservations; returns the lots that differ. */
  async integrityCheck(): Promise<IntegrityDifference[]> {
    const differences = await this.queries.integrityDifferences();
    if (differences.length > 0)
      this.logger.error(
        `stock integrity: ${differences.length} lot(s) differ: ${JSON.stringify(differences.slice(0, 20))}`,
      );
    return differences;
  }

  /** Sellable units per branch (active branches, sellable lots net of reservations), nearest first. */
  async availability(productId: string, query: AvailabilityQuery): Promise<AvailabilityView> {
    const near = query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined;
    return { items: await this.queries.availability(productId, this.cutoff(), near, query.limit) };
  }

  /**
   * Sellable units of each product at a branch (pricing a cart, choosing a branch that can fill it); a
   * product with none is missing from the map. In the caller's transaction when given.
   */
  /**
   * The active branches able to fill every line now (sellable stock), nearest to `near` first (by name without
   * a point); `withinRadius`: only those delivering to `near`. Reserving decides for good.
   */
  branchesFilling(
    lines: readonly ReserveLine[],
    near: { lat: number; lng: number } | undefined,
    opts: { withinRadius: boolean; limit: number },
    tx?: DbOrTx,
  ): Promise<string[]> {
    return this.queries.branchesFilling(mergeLines(lines), this.cutoff(), near, opts.withinRadius, opts.limit, tx);
  }

  sellableAt(branchId: string, productIds: readonly string[], tx?: DbOrTx): Promise<Map<string, number>> {
    return this.queries.sellableAt(branchId, productIds, this.cutoff(), tx);
  }

  private async releaseIfDue(ref: string): Promise<boolean> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lockReference(tx, ref);
      const [first] = await this.repo.reservationLines(ref, tx);
      if (first?.status !== 'active' || first.expiresAt >= this.clock.now()) return false;
      await this.close(tx, ref, 'released', SYSTEM_ACTOR, 'reservation expired');
      return true;
    });
  }

  /**
   * Ends an active reservation (all its rows share one status): the step moves the rows that are still
   * active, then their units leave the lots' reserved (and on hand too when sold), each with its movement.
   */
  private async close(
    tx: DbOrTx,
    ref: string,
    to: 'released' | 'committed',
    actor: Actor,
    reason: string,
  ): Promise<void> {
    const moved = await transition(
      reservationMachine,
      { from: 'active', to, actor },
      this.repo.reservationStatus(ref, tx),
    );
    const lots = new Map(
      (
        await this.repo.lockLots(
          tx,
          moved.map((r) => r.lotId),
        )
      ).map((l) => [l.id, l]),
    );
    const onHand = to === 'committed' ? -1 : 0;
    for (const r of moved) {
      // Cannot fail while the reservation was active: the lot's reserved includes it (invariants.sql).
      if (!(await this.repo.changeLot(tx, r.lotId, onHand * r.quantity, -r.quantity)))
        throw new AppError('internal', 'common/internal', `lot ${r.lotId} does not hold reservation ${ref}`);
    }
    await this.repo.insertMovements(
      tx,
      moved.map((r) => ({
        lotId: r.lotId,
        branchId: lots.get(r.lotId)!.branchId,
        productId: lots.get(r.lotId)!.productId,
        type: to === 'committed' ? ('sold' as const) : ('released' as const),
        onHandDelta: onHand * r.quantity,
        reservedDelta: -r.quantity,
        ...movementActor(actor),
        reason,
        reference: ref,
      })),
    );
  }
}

/** Rolls a reservation back when another writer committed its reference first (stock_reservations_ref_line_key). */
class ReferenceTaken extends Error {}
