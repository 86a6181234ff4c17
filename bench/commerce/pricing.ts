import type pg from 'pg';
import { deliveryFee, totalOf } from '../../src/modules/cart/cart.rules.js';
import { isoDate, sellableCutoff } from '../../src/modules/inventory/inventory.rules.js';
import * as Q from './queries.js';

/**
 * The baseline's cart pricing: the statements CartPricingService runs, in its order (two pairs side by side
 * on the pool outside a transaction, one after the other inside one), with the rules it applies. The bench
 * has no offers (the fixture removes them): the offers statement still runs, and an offer found is an error.
 */
export type Db = pg.Pool | pg.PoolClient;

export interface Line {
  productId: string;
  quantity: number;
  addedAt: Date;
  nameEn: string;
  nameAr: string;
  image: string | null;
  unitPriceMinor: number;
  rxRequired: boolean;
  controlled: boolean;
  available: number;
}

export interface Priced {
  lines: Line[];
  couponCode: string | null;
  updatedAt: Date | null;
  subtotalMinor: number;
  deliveryFeeMinor: number;
  pointsBalance: number;
}

const EXPIRY_MARGIN_DAYS = 30;
/** The application's defaults (config.cart.delivery). */
const DELIVERY = { feeMinor: 2500, freeAboveMinor: 50000, perKmMinor: 0 };

export const cutoff = () => sellableCutoff(isoDate(new Date()), EXPIRY_MARGIN_DAYS);

async function pair<A, B>(inTx: boolean, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (!inTx) return Promise.all([a(), b()]);
  const first = await a();
  return [first, await b()];
}

/** `branch`: reads (in a transaction: holds) the branch; outside one the caller passes its cached record. */
export async function priceCart(
  db: Db,
  customerId: string,
  branchId: string,
  branch: () => Promise<unknown>,
  fulfilment: 'delivery' | 'pickup',
  inTx: boolean,
  /** Read the spendable points (GET /v1/cart); a checkout spending none skips it, as ours does. */
  withPoints = true,
): Promise<Priced> {
  const [, cart] = await pair(inTx, branch, () => db.query(Q.CART_ITEMS, [customerId]));
  const rows = cart.rows.filter((r) => r.product_id !== null);
  const ids: string[] = rows.map((r) => r.product_id);
  const [products, stock] = await pair(
    inTx,
    () => db.query(Q.pricingProducts(ids.length), ids),
    () => db.query({ text: Q.sellableAt(ids.length), values: [branchId, ...ids, cutoff()], rowMode: 'array' }),
  );
  const byId = new Map(products.rows.map((p) => [p.id as string, p]));
  const units = new Map(stock.rows.map((r: unknown[]) => [r[0] as string, r[1] as number]));
  const categories = [...new Set(products.rows.flatMap((p) => [p.categoryId, ...p.categoryPath] as string[]))];
  const now = new Date();
  const offers = await db.query(Q.offers(ids.length, categories.length), [
    true,
    now,
    now,
    'cart',
    ...ids,
    ...categories,
  ]);
  if (offers.rows.length > 0) throw new Error('the commerce bench expects no offers');
  const lines: Line[] = rows.map((r) => {
    const p = byId.get(r.product_id)!;
    return {
      productId: r.product_id,
      quantity: r.quantity,
      addedAt: r.added_at,
      nameEn: p.nameEn,
      nameAr: p.nameAr,
      image: p.image,
      unitPriceMinor: p.priceMinor,
      rxRequired: p.rxRequired,
      controlled: p.controlled,
      available: units.get(r.product_id) ?? 0,
    };
  });
  const points = withPoints
    ? await db.query({ text: Q.POINTS_SPENDABLE, values: [customerId, 0, new Date()], rowMode: 'array' })
    : { rows: [[0]] };
  const subtotalMinor = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  return {
    lines,
    couponCode: cart.rows[0]?.coupon_code ?? null,
    updatedAt: cart.rows[0]?.updated_at ?? null,
    subtotalMinor,
    deliveryFeeMinor: deliveryFee(DELIVERY, {
      fulfilment,
      goodsMinor: subtotalMinor,
      empty: lines.length === 0,
      distanceKm: null,
    }),
    pointsBalance: Number(points.rows[0][0]),
  };
}

/** GET /v1/cart's answer (the fields the bench compares, and the rest of a line as ours shapes it). */
export function cartView(p: Priced, branchId: string, fulfilment: string) {
  const items = p.lines.map((l) => ({
    productId: l.productId,
    nameEn: l.nameEn,
    nameAr: l.nameAr,
    image: l.image,
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    lineTotalMinor: l.unitPriceMinor * l.quantity,
    discountMinor: 0,
    rxRequired: l.rxRequired,
    controlled: l.controlled,
    discontinued: false,
    available: l.available >= l.quantity,
    availableQuantity: l.available,
    addedAt: l.addedAt.toISOString(),
  }));
  return {
    items,
    coupon: null,
    offer: null,
    subtotalMinor: p.subtotalMinor,
    discountMinor: 0,
    deliveryFeeMinor: p.deliveryFeeMinor,
    pointsBalance: p.pointsBalance,
    totalMinor: totalOf({
      subtotalMinor: p.subtotalMinor,
      discountMinor: 0,
      deliveryFeeMinor: p.deliveryFeeMinor,
      pointsRedeemableMinor: 0,
    }),
    branchId,
    fulfilment,
    allAvailable: items.every((i) => i.available),
    currency: 'EGP',
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}
