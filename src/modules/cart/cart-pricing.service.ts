import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { BranchesService, branchNotFound, distanceKm, type BranchRecord, type GeoPoint } from '../branches/index.js';
import { ProductsService, type PricingProduct } from '../catalog/index.js';
import { InventoryService } from '../inventory/index.js';
import { LoyaltyService } from '../loyalty/index.js';
import { OfferRedemptionsService, type CartLine } from '../offers/index.js';
import type { CartLineView, CartView, Fulfilment } from './cart.dto.js';
import { CartErrors } from './cart.errors.js';
import { CartRepository, type CartItemRow } from './cart.repository.js';
import { availabilityOf, deliveryFee, MAX_CART_MINOR, totalOf } from './cart.rules.js';

/** Where and how the cart would be fulfilled; every part is optional. */
export interface PricingContext {
  /** Check stock at this branch (must be active) and measure delivery from it. */
  branchId?: string;
  /** Default `delivery`. */
  fulfilment?: Fulfilment;
  /** The delivery point (for the distance part of the fee and the delivery radius). */
  point?: GeoPoint;
  /**
   * Read how many points the customer could spend (default). Checkout spending none says false and skips
   * that read: the points fields are then 0.
   */
  points?: boolean;
}

const NO_POINTS = { balance: 0, cap: 0, points: 0, valueMinor: 0 };

/** A priced cart: what GET /v1/cart answers and what checkout turns into an order. */
export type PricedCart = CartView;

/**
 * Prices a customer's cart from the catalog's current prices (never a client's), the one best offer (offers
 * module, with the cart's coupon), the delivery fee rules (cart.rules) and, at a branch, its sellable stock.
 * Reads only: nothing is reserved or redeemed here; checkout does that, pricing again in its own
 * transaction (`tx`, last, as every service joins one) so the order is priced with what it commits.
 */
@Injectable()
export class CartPricingService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly repo: CartRepository,
    private readonly products: ProductsService,
    private readonly offers: OfferRedemptionsService,
    private readonly inventory: InventoryService,
    private readonly branches: BranchesService,
    private readonly loyalty: LoyaltyService,
  ) {}

  async price(customerId: string, context: PricingContext = {}, tx?: DbOrTx): Promise<PricedCart> {
    const fulfilment = context.fulfilment ?? 'delivery';
    const [branch, cart] = await pair(
      tx,
      () => (context.branchId ? this.activeBranch(context.branchId, tx) : Promise.resolve(undefined)),
      () => this.repo.find(customerId, tx),
    );
    const rows = cart?.items ?? [];
    const ids = rows.map((r) => r.productId);
    const [found, stock] = await pair(
      tx,
      () => this.products.forPricing(ids, tx),
      () => (branch && ids.length > 0 ? this.inventory.sellableAt(branch.id, ids, tx) : Promise.resolve(undefined)),
    );
    const byId = new Map(found.map((p) => [p.id, p]));
    // A line whose product row is gone (a race with its removal) is left out; its row goes by cascade.
    const lines = rows.flatMap((row) => {
      const product = byId.get(row.productId);
      return product ? [{ row, product }] : [];
    });
    const priced = lines.filter((l) => l.product.active);
    const offerLines: CartLine[] = priced.map(({ row, product }) => ({
      productId: product.id,
      categoryId: product.categoryId,
      categoryPath: product.categoryPath,
      unitPriceMinor: product.priceMinor,
      quantity: row.quantity,
      rxRequired: product.rxRequired,
      controlled: product.controlled,
    }));
    const subtotalMinor = offerLines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
    if (subtotalMinor > MAX_CART_MINOR) throw CartErrors.totalTooLarge();
    const quote = await this.offers.quote(offerLines, { customerId, coupon: cart?.couponCode ?? undefined }, tx);
    const discountByProduct = new Map((quote.applied?.lines ?? []).map((l) => [l.productId, l.discountMinor]));

    const items = lines.map(({ row, product }) =>
      this.lineView(row, product, discountByProduct.get(product.id) ?? 0, branch !== undefined, stock),
    );
    const distance = branch && context.point ? distanceKm(branch, context.point) : null;
    const deliveryFeeMinor = deliveryFee(this.config.cart.delivery, {
      fulfilment,
      goodsMinor: subtotalMinor - quote.discountMinor,
      empty: priced.length === 0,
      distanceKm: distance,
    });
    const points =
      context.points === false
        ? NO_POINTS
        : await this.loyalty.redeemable(
            customerId,
            offerLines.map((l) => ({ ...l, discountMinor: discountByProduct.get(l.productId) ?? 0 })),
            tx,
          );
    return {
      items,
      coupon: quote.coupon && {
        code: quote.coupon.code,
        valid: quote.coupon.applied,
        ...(quote.coupon.reason && { reason: quote.coupon.reason }),
      },
      offer: quote.offer,
      subtotalMinor,
      discountMinor: quote.discountMinor,
      deliveryFeeMinor,
      pointsBalance: points.balance,
      pointsCap: points.cap,
      pointsRedeemable: points.points,
      pointsRedeemableMinor: points.valueMinor,
      // Before points: spending them is the customer's choice at checkout (pointsToRedeem).
      totalMinor: totalOf({
        subtotalMinor,
        discountMinor: quote.discountMinor,
        deliveryFeeMinor,
        pointsRedeemableMinor: 0,
      }),
      needsPrescription: priced.some((l) => l.product.rxRequired),
      branchId: branch?.id ?? null,
      fulfilment,
      allAvailable: branch ? items.every((i) => i.available === true) : null,
      deliveryDistanceKm: distance === null ? null : Math.round(distance * 1000) / 1000,
      withinDeliveryRadius: distance === null || !branch ? null : distance <= branch.deliveryRadiusKm,
      currency: this.config.payments.currency,
      updatedAt: cart?.updatedAt.toISOString() ?? null,
    };
  }

  /** An active branch; in the caller's transaction it is read there and held (it cannot be switched off meanwhile). */
  private async activeBranch(id: string, tx?: DbOrTx): Promise<BranchRecord> {
    const branch = tx ? await this.branches.findHeld(id, tx) : await this.branches.find(id);
    if (!branch || !branch.active) throw branchNotFound();
    return branch;
  }

  private lineView(
    row: CartItemRow,
    product: PricingProduct,
    discountMinor: number,
    atBranch: boolean,
    stock: Map<string, number> | undefined,
  ): CartLineView {
    const discontinued = !product.active;
    return {
      productId: product.id,
      nameEn: product.nameEn,
      nameAr: product.nameAr,
      image: product.image,
      quantity: row.quantity,
      unitPriceMinor: product.priceMinor,
      lineTotalMinor: discontinued ? 0 : product.priceMinor * row.quantity,
      discountMinor,
      rxRequired: product.rxRequired,
      controlled: product.controlled,
      discontinued,
      ...availabilityOf(row.quantity, stock?.get(product.id), atBranch, discontinued),
      prescriptionLineId: row.rxLineId,
      addedAt: row.addedAt.toISOString(),
    };
  }
}

/**
 * Two independent reads: side by side on the pool, one after the other in a transaction (one connection
 * runs one statement at a time, and a failed statement must not leave the other running in it).
 */
async function pair<A, B>(tx: DbOrTx | undefined, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (!tx) return Promise.all([a(), b()]);
  const first = await a();
  return [first, await b()];
}
