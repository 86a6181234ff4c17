import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { SYSTEM_ACTOR, type Actor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { Accounts, LedgerService, credit, debit, type PostEntry, type PostedEntry } from '../payments/index.js';
import { LoyaltyErrors } from './loyalty.errors.js';
import { LoyaltyRepository } from './loyalty.repository.js';
import {
  LoyaltyKeys,
  expiryOf,
  planReturn,
  planTake,
  pointsEarned,
  pointsValueMinor,
  redemptionCap,
  refundShare,
  type LoyaltyTerms,
  type PointsLine,
} from './loyalty.rules.js';

/** What a cart could spend: the customer's spendable points, the order's cap, and the lesser of the two. */
export interface Redeemable {
  balance: number;
  cap: number;
  points: number;
  valueMinor: number;
}

/** What a refund moved: earned points taken back, spent points given back. */
export interface RefundPoints {
  earnedTakenBack: number;
  spentGivenBack: number;
}

/** How many lots one expiry run takes per batch (each lot in its own short transaction). */
const EXPIRY_BATCH = 200;

/**
 * The points programme (exported from index.ts): every movement is one entry on the PTS ledger
 * (loyalty_liability ↔ points_wallet:<customer>) and, in the same transaction, the lots it adds or draws on.
 * Writers lock the customer's lots (soonest expiry first) before the ledger locks the points wallet, always in
 * that order. Orders call it inside their own transaction (checkout, completion, cancellation, refunds).
 */
@Injectable()
export class LoyaltyService {
  readonly terms: LoyaltyTerms;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly repo: LoyaltyRepository,
    private readonly ledger: LedgerService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.terms = config.loyalty;
  }

  /** The most points an order with these lines may spend (the cap alone). */
  capFor(lines: readonly PointsLine[]): number {
    return redemptionCap(lines, this.terms);
  }

  /** The money `points` take off an order. */
  valueOf(points: number): number {
    return pointsValueMinor(points, this.terms);
  }

  /** Points the customer can spend now (lots past their expiry are not, even before the job takes them). */
  spendable(customerId: string, tx?: DbOrTx): Promise<number> {
    return this.repo.spendable(customerId, this.clock.now(), tx);
  }

  /** For cart pricing: what a cart with these lines could spend. */
  async redeemable(customerId: string, lines: readonly PointsLine[], tx?: DbOrTx): Promise<Redeemable> {
    const cap = this.capFor(lines);
    const balance = await this.spendable(customerId, tx);
    const points = Math.min(cap, balance);
    return { balance, cap, points, valueMinor: this.valueOf(points) };
  }

  /**
   * Spends `points` on an order at checkout (key `order:<id>:points:redeem`), soonest-expiring lots first.
   * The caller checks the order's cap first. Fewer spendable points than asked answers 409
   * `loyalty/insufficient-points`: of two checkouts spending the same points, the second waits on the lots'
   * locks and finds them spent (and the ledger's non-negative check on the points wallet stands behind it).
   */
  async redeem(
    input: { orderId: string; customerId: string; points: number },
    actor: Actor,
    tx?: DbOrTx,
  ): Promise<{ points: number; valueMinor: number }> {
    const { orderId, customerId, points } = input;
    if (points === 0) return { points: 0, valueMinor: 0 };
    return this.repo.transaction(async (t) => {
      const lots = await this.repo.lockHeld(customerId, t, this.clock.now());
      const plan = planTake(lots, points);
      if (!plan) throw LoyaltyErrors.insufficientPoints(lots.reduce((s, l) => s + l.remaining, 0));
      const posted = await this.post(
        {
          key: LoyaltyKeys.redeem(orderId),
          kind: 'loyalty.redeem',
          refType: 'order',
          refId: orderId,
          actor,
          lines: [debit(Accounts.pointsWallet(customerId), points), credit(Accounts.loyaltyLiability, points)],
        },
        t,
      );
      if (!posted.replayed) await this.draw(plan, posted, 'redeem', orderId, t);
      return { points, valueMinor: this.valueOf(points) };
    }, tx);
  }

  /**
   * Points for a completed order (key `order:<id>:points:earn`): on its eligible lines (none on Rx-only lines
   * unless LOYALTY_RX_LINES), for what was paid in money (`spentValueMinor`, the points' value, earns nothing).
   * One lot, expiring LOYALTY_EXPIRY_DAYS from now. Answers the points earned (0: nothing posted).
   */
  async earnForOrder(
    input: { orderId: string; customerId: string; lines: readonly PointsLine[]; spentValueMinor: number },
    actor: Actor,
    tx?: DbOrTx,
  ): Promise<number> {
    const points = pointsEarned(input.lines, input.spentValueMinor, this.terms);
    if (points === 0) return 0;
    return this.repo.transaction(async (t) => {
      const posted = await this.post(
        {
          key: LoyaltyKeys.earn(input.orderId),
          kind: 'loyalty.earn',
          refType: 'order',
          refId: input.orderId,
          actor,
          lines: [debit(Accounts.loyaltyLiability, points), credit(Accounts.pointsWallet(input.customerId), points)],
        },
        t,
      );
      if (!posted.replayed)
        await this.repo.insertLots(
          [
            {
              customerId: input.customerId,
              source: 'earn',
              orderId: input.orderId,
              entryId: posted.id,
              points,
              remaining: points,
              expiresAt: expiryOf(this.clock.now(), this.terms),
            },
          ],
          t,
        );
      return points;
    }, tx);
  }

  /**
   * A cancelled or expired order gives back the points it spent and no refund gave back yet (key
   * `order:<id>:points:return`), as lots keeping the expiry of those they came from: a lot already past it is
   * taken by the next expiry run. Answers the points given back.
   */
  async returnForOrder(input: { orderId: string; customerId: string }, actor: Actor, tx?: DbOrTx): Promise<number> {
    return this.repo.transaction(async (t) => {
      const key = LoyaltyKeys.return(input.orderId);
      if (await this.ledger.findEntry(key, t)) return 0;
      const seen = await this.repo.orderPoints(input.orderId, t);
      const open = seen.redeemed - seen.returned;
      if (open <= 0) return 0;
      await this.giveBack(input, key, 'loyalty.return', seen.returned, open, actor, t);
      return open;
    }, tx);
  }

  /**
   * A refund's share of the order's points, for the refunds of orders: `refundedTotalMinor` is the money of
   * every refund of the order so far, this one included, out of `orderTotalMinor` (what the order cost in
   * money). Takes back that share of the points the order earned (key `order:<id>:points:reverse:<refundId>`),
   * from the order's own lot first and then the soonest-expiring, never below zero: when the customer has
   * spent them, what is left. Gives back that share of the points the order spent (key
   * `order:<id>:points:return:<refundId>`), keeping their expiry. The same refund again moves nothing.
   */
  async reverseForRefund(
    input: {
      orderId: string;
      customerId: string;
      refundId: string;
      refundedTotalMinor: number;
      orderTotalMinor: number;
    },
    actor: Actor,
    tx?: DbOrTx,
  ): Promise<RefundPoints> {
    const { orderId, customerId, refundId } = input;
    return this.repo.transaction(async (t) => {
      const lots = await this.repo.lockHeld(customerId, t);
      const seen = await this.repo.orderPoints(orderId, t);
      const out: RefundPoints = { earnedTakenBack: 0, spentGivenBack: 0 };

      const reverseKey = LoyaltyKeys.reverse(orderId, refundId);
      const share = refundShare({ ...input, points: seen.earned, alreadyMoved: seen.reversed });
      const held = lots.reduce((s, l) => s + l.remaining, 0);
      const take = Math.min(share, held);
      if (take > 0 && !(await this.ledger.findEntry(reverseKey, t))) {
        const plan = planTake(lots, take, new Set(await this.repo.earnLotIds(orderId, t)))!;
        const posted = await this.post(
          {
            key: reverseKey,
            kind: 'loyalty.reverse',
            refType: 'order',
            refId: orderId,
            actor,
            lines: [debit(Accounts.pointsWallet(customerId), take), credit(Accounts.loyaltyLiability, take)],
          },
          t,
        );
        if (!posted.replayed) await this.draw(plan, posted, 'reverse', orderId, t);
        out.earnedTakenBack = take;
      }

      const returnKey = LoyaltyKeys.refundReturn(orderId, refundId);
      const back = refundShare({ ...input, points: seen.redeemed, alreadyMoved: seen.returned });
      if (back > 0 && !(await this.ledger.findEntry(returnKey, t))) {
        await this.giveBack({ orderId, customerId }, returnKey, 'loyalty.refund_return', seen.returned, back, actor, t);
        out.spentGivenBack = back;
      }
      return out;
    }, tx);
  }

  /**
   * The `loyalty.expire` job: every lot past its expiry gives what is left of it back to the programme, each
   * lot once (key `loyalty:lot:<id>:expire`, and the lot is empty after). Answers the points expired.
   */
  async expireDue(): Promise<number> {
    let expired = 0;
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.repo.due(this.clock.now(), EXPIRY_BATCH)).filter((id) => !seen.has(id));
      if (due.length === 0) return expired;
      for (const id of due) {
        seen.add(id);
        expired += await this.expireLot(id);
      }
    }
  }

  private expireLot(id: string): Promise<number> {
    return this.repo.transaction(async (t) => {
      // Held by a writer now (a refund drawing on it): the next run takes it.
      const lot = await this.repo.lockLot(id, t);
      if (!lot || lot.remaining === 0 || lot.expiresAt > this.clock.now()) return 0;
      const posted = await this.post(
        {
          key: LoyaltyKeys.expire(lot.id),
          kind: 'loyalty.expire',
          refType: 'loyalty_lot',
          refId: lot.id,
          actor: SYSTEM_ACTOR,
          lines: [
            debit(Accounts.pointsWallet(lot.customerId), lot.remaining),
            credit(Accounts.loyaltyLiability, lot.remaining),
          ],
        },
        t,
      );
      if (posted.replayed) return 0;
      await this.draw([{ lotId: lot.id, points: lot.remaining }], posted, 'expire', lot.orderId, t);
      return lot.remaining;
    });
  }

  /** The lots' side of an entry that took points out of the wallet. */
  private async draw(
    plan: { lotId: string; points: number }[],
    posted: PostedEntry,
    kind: 'redeem' | 'reverse' | 'expire',
    orderId: string | null,
    t: DbOrTx,
  ): Promise<void> {
    for (const step of plan) {
      // The rows are locked and the plan made from them: a refusal here is a bug, and nothing may commit.
      if (!(await this.repo.take(step.lotId, step.points, t)))
        throw new Error(`loyalty lot ${step.lotId} holds fewer than ${step.points} points after its lock`);
    }
    await this.repo.insertUses(
      plan.map((s) => ({ lotId: s.lotId, entryId: posted.id, kind, orderId, points: s.points })),
      t,
    );
  }

  /** Gives `points` an order spent back to the wallet as lots keeping their expiry. */
  private async giveBack(
    input: { orderId: string; customerId: string },
    key: string,
    kind: string,
    alreadyReturned: number,
    points: number,
    actor: Actor,
    t: DbOrTx,
  ): Promise<void> {
    const lots = planReturn(await this.repo.spentBy(input.orderId, t), alreadyReturned, points);
    const posted = await this.post(
      {
        key,
        kind,
        refType: 'order',
        refId: input.orderId,
        actor,
        lines: [debit(Accounts.loyaltyLiability, points), credit(Accounts.pointsWallet(input.customerId), points)],
      },
      t,
    );
    if (posted.replayed) return;
    await this.repo.insertLots(
      lots.map((l) => ({
        customerId: input.customerId,
        source: 'return',
        orderId: input.orderId,
        entryId: posted.id,
        points: l.points,
        remaining: l.points,
        expiresAt: l.expiresAt,
      })),
      t,
    );
  }

  /** A points wallet the ledger finds short (a race the lots' locks did not see) answers as loyalty's refusal. */
  private async post(entry: PostEntry, t: DbOrTx): Promise<PostedEntry> {
    try {
      return await this.ledger.post(entry, t);
    } catch (err) {
      if (err instanceof AppError && err.code === 'payments/insufficient-funds')
        throw LoyaltyErrors.insufficientPoints(0);
      throw err;
    }
  }
}
