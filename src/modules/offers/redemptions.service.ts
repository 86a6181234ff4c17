import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { PublicOfferView } from './offers.dto.js';
import { OfferErrors } from './offers.errors.js';
import { OffersRepository } from './offers.repository.js';
import {
  evaluateOffer,
  inWindow,
  normalizeCoupon,
  quoteCart,
  unusableBecause,
  type CartLine,
  type CartQuote,
  type IneligibleReason,
  type OfferTerms,
} from './offers.rules.js';
import { toPublicOfferView, toTerms } from './offers.view.js';

export interface Redemption {
  id: string;
  offerId: string;
  customerId: string;
  reference: string;
  createdAt: Date;
  /** True when this reference had already redeemed the offer (a retried checkout): nothing was counted. */
  replayed: boolean;
}

export interface OfferQuote extends CartQuote {
  offer: PublicOfferView | null;
  /** When a coupon was given: whether it is the applied offer, and why not otherwise. */
  coupon: { code: string; applied: boolean; reason: IneligibleReason | 'unknown-code' | 'not-best' | null } | null;
}

/** The offers API for checkout (exported from index.ts): price a cart, count a use, give a use back. */
@Injectable()
export class OfferRedemptionsService {
  constructor(
    private readonly repo: OffersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The best offer for the cart now (one offer, see offers.rules.ts), with the customer's own usage counted. */
  async quote(
    lines: readonly CartLine[],
    opts: { customerId?: string; coupon?: string; now?: Date } = {},
    tx?: DbOrTx,
  ): Promise<OfferQuote> {
    const now = opts.now ?? this.clock.now();
    const coupon = opts.coupon?.trim() ? normalizeCoupon(opts.coupon) : undefined;
    const rows = await this.repo.candidatesFor(
      {
        productIds: [...new Set(lines.map((l) => l.productId))],
        categoryIds: [...new Set(lines.flatMap((l) => [l.categoryId, ...(l.categoryPath ?? [])]))],
        coupon,
        now,
      },
      tx,
    );
    const usage = opts.customerId
      ? await this.repo.usageOf(
          opts.customerId,
          rows.map((r) => r.id),
          tx,
        )
      : {};
    const terms = rows.map(toTerms);
    const ctx = { lines, now, usage, coupon };
    const q = quoteCart(terms, ctx);
    const applied = q.applied ? rows.find((r) => r.id === q.applied!.offerId)! : null;
    let couponState: OfferQuote['coupon'] = null;
    if (coupon) {
      // Not among the candidates: the code names no offer, or one that is not running or aims at none of
      // these lines; read it to say which.
      const couponOffer =
        terms.find((t) => t.couponCode !== null && normalizeCoupon(t.couponCode) === coupon) ??
        (await this.couponTerms(coupon, opts.customerId, usage, tx));
      if (!couponOffer) couponState = { code: coupon, applied: false, reason: 'unknown-code' };
      else if (applied?.id === couponOffer.id) couponState = { code: coupon, applied: true, reason: null };
      else {
        const e = evaluateOffer(couponOffer, ctx);
        couponState = { code: coupon, applied: false, reason: e.ok ? 'not-best' : e.reason };
      }
    }
    return { ...q, offer: applied ? toPublicOfferView(applied) : null, coupon: couponState };
  }

  /**
   * Checks a coupon code a customer enters (a cart keeps it for checkout): it must name an offer that is
   * switched on, running now and not used up, overall or by this customer. Whether the cart reaches the
   * offer's minimum or holds what it discounts is decided each time the cart is priced (`quote`), as the
   * cart changes. Counts nothing: `redeem` does, at checkout.
   */
  async checkCoupon(code: string, customerId: string, tx?: DbOrTx): Promise<{ code: string; offer: PublicOfferView }> {
    const normalized = normalizeCoupon(code);
    const row = await this.repo.findByCoupon(normalized, tx);
    if (!row) throw OfferErrors.unknownCoupon();
    const usage = await this.repo.usageOf(customerId, [row.id], tx);
    switch (unusableBecause(toTerms(row), { now: this.clock.now(), coupon: normalized, usage })) {
      case null:
        return { code: normalized, offer: toPublicOfferView(row) };
      case 'limit-reached':
        throw OfferErrors.limitReached();
      case 'customer-limit-reached':
        throw OfferErrors.customerLimitReached();
      default:
        throw OfferErrors.notActive();
    }
  }

  /** The terms of the offer with this coupon code, with the customer's use of it added to `usage`. */
  private async couponTerms(
    coupon: string,
    customerId: string | undefined,
    usage: Record<string, number>,
    tx?: DbOrTx,
  ): Promise<OfferTerms | undefined> {
    const row = await this.repo.findByCoupon(coupon, tx);
    if (!row) return undefined;
    if (customerId) Object.assign(usage, await this.repo.usageOf(customerId, [row.id], tx));
    return toTerms(row);
  }

  /**
   * Counts one use of the offer by `customerId` for `reference` (an order id): atomically and at most once
   * per reference. The offer row is locked for the transaction, so the per-customer count and the global
   * count are both decided with no other redemption of this offer in between; the global count is also a
   * conditional UPDATE backed by a CHECK. Pass checkout's transaction so the use commits (or rolls back)
   * with the order.
   */
  redeem(offerId: string, customerId: string, reference: string, tx?: DbOrTx): Promise<Redemption> {
    const run = async (t: DbOrTx): Promise<Redemption> => {
      const offer = await this.repo.lockById(offerId, t);
      if (!offer) throw OfferErrors.notFound();
      const existing = await this.repo.findRedemption(offerId, reference, t);
      if (existing) {
        if (existing.customerId !== customerId) throw OfferErrors.referenceConflict();
        return { ...existing, replayed: true };
      }
      if (!offer.active || !inWindow(offer, this.clock.now())) throw OfferErrors.notActive();
      if (
        offer.perCustomerLimit !== null &&
        (await this.repo.countByCustomer(offerId, customerId, t)) >= offer.perCustomerLimit
      )
        throw OfferErrors.customerLimitReached();
      if (!(await this.repo.takeUse(offerId, t))) throw OfferErrors.limitReached();
      const row = await this.repo.insertRedemption({ offerId, customerId, reference }, t);
      return { ...row, replayed: false };
    };
    return this.repo.transaction(run, tx);
  }

  /** Gives back the use counted for `reference` (a cancelled order). Idempotent: false when there was none. */
  release(offerId: string, reference: string, tx?: DbOrTx): Promise<boolean> {
    const run = async (t: DbOrTx): Promise<boolean> => {
      const offer = await this.repo.lockById(offerId, t);
      if (!offer) throw OfferErrors.notFound();
      const existing = await this.repo.findRedemption(offerId, reference, t);
      if (!existing) return false;
      await this.repo.deleteRedemption(existing.id, t);
      await this.repo.giveBackUse(offerId, t);
      return true;
    };
    return this.repo.transaction(run, tx);
  }
}
