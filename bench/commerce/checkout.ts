import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { cutoff, priceCart, type Line } from './pricing.js';
import * as Q from './queries.js';
import { idempotentPost, Refused, type Answered } from '../lib/idempotent.js';

/** What the baseline's checkout answers: 201 and the order, or a refusal the bench counts as non-2xx. */
export type Placed = Answered;

const HOLD_MS = 30 * 24 * 3600 * 1000;
let revenueId: string | undefined;

/**
 * POST /v1/orders on bare pg, the statements our checkout sends in their order: the idempotency key claimed,
 * then in one transaction the cart locked and priced at the held branch, the stock reserved FEFO lot by lot
 * (a movement a lot, the reservation rows), the order with its lines and first history row, the wallet
 * capture (accounts read, the wallet locked, the entry, its postings, both balances), the outbox row and the
 * cart emptied; after commit the key's answer stored. Pickup, wallet, no offer, no points: the bench's order.
 */
export async function placeOrder(
  pool: pg.Pool,
  customerId: string,
  branchId: string,
  key: string,
  body: unknown,
): Promise<Placed> {
  return idempotentPost(pool, `${customerId}:POST:/v1/orders`, key, body, (client) =>
    inTransaction(client, customerId, branchId),
  );
}

async function inTransaction(t: pg.PoolClient, customerId: string, branchId: string) {
  const touched = await t.query(Q.CART_TOUCH, [new Date(), customerId]);
  if (touched.rows.length === 0) throw new Refused(409, 'orders/empty-cart');
  const held = () => t.query(Q.BRANCH_HELD, [branchId]);
  const cart = await priceCart(t, customerId, branchId, held, 'pickup', true, false);
  if (cart.lines.length === 0) throw new Refused(409, 'orders/empty-cart');
  const id = uuidv7();
  const ref = `order:${id}`;
  await reserve(t, branchId, cart.lines, ref, customerId);
  const total = cart.subtotalMinor;
  const now = new Date();
  const order = {
    id,
    customer_id: customerId,
    branch_id: branchId,
    status: 'confirmed',
    fulfilment: 'pickup',
    payment_method: 'wallet',
    address: null,
    subtotal_minor: cart.subtotalMinor,
    discount_minor: 0,
    delivery_fee_minor: 0,
    points_redeemed: 0,
    points_value_minor: 0,
    total_minor: total,
    currency: 'EGP',
    reservation_ref: ref,
    refunded_minor: 0,
    placed_at: now,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const lines = cart.lines.map((l, i) => ({
    order_id: id,
    line_no: i + 1,
    product_id: l.productId,
    quantity: l.quantity,
    unit_price_minor: l.unitPriceMinor,
    discount_minor: 0,
    name_en: l.nameEn,
    name_ar: l.nameAr,
    rx_required: l.rxRequired,
  }));
  const history = {
    id: uuidv7(),
    order_id: id,
    from_status: null,
    to_status: 'confirmed',
    actor_id: customerId,
    at: now,
  };
  await t.query(Q.ORDER_WRITE, [JSON.stringify([order]), JSON.stringify(lines), '[]', JSON.stringify([history])]);
  await capture(t, id, customerId, total);
  await t.query(Q.OUTBOX_INSERT, [
    uuidv7(),
    'order.updated',
    JSON.stringify({ orderId: id, customerId, branchId, from: null, to: 'confirmed' }),
  ]);
  await t.query(Q.CART_EMPTY, [customerId, customerId]);
  return {
    id,
    status: order.status,
    branchId,
    fulfilment: order.fulfilment,
    paymentMethod: order.payment_method,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      productId: l.product_id,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price_minor,
      discountMinor: l.discount_minor,
    })),
    subtotalMinor: order.subtotal_minor,
    discountMinor: 0,
    deliveryFeeMinor: 0,
    pointsRedeemed: 0,
    totalMinor: order.total_minor,
    createdAt: now.toISOString(),
  };
}

/** InventoryService.reserveNew: every product's sellable lots locked at once, FEFO here, one write. */
async function reserve(t: pg.PoolClient, branchId: string, lines: Line[], ref: string, actorId: string) {
  const products = [...new Set(lines.map((l) => l.productId))].sort();
  const lots = (await t.query(Q.lotsFefoOf(products.length), [...products, branchId, cutoff()])).rows;
  const rows: { lot: string; product: string; q: number; line: number; mid: string; rid: string }[] = [];
  for (const productId of products) {
    let left = lines.filter((l) => l.productId === productId).reduce((n, l) => n + l.quantity, 0);
    for (const lot of lots.filter((l) => l.product_id === productId)) {
      if (left === 0) break;
      const q = Math.min(left, lot.on_hand - lot.reserved);
      rows.push({ lot: lot.id, product: productId, q, line: rows.length + 1, mid: uuidv7(), rid: uuidv7() });
      left -= q;
    }
    if (left > 0) throw new Refused(409, 'inventory/insufficient-stock');
  }
  const expires = new Date(Date.now() + HOLD_MS);
  const written = (
    await t.query(Q.RESERVE_LOTS, [
      JSON.stringify(rows),
      new Date().toISOString(),
      branchId,
      actorId,
      'customer',
      ref,
      ref,
      expires.toISOString(),
    ])
  ).rows[0];
  if (written.moved !== rows.length || written.reserved !== rows.length)
    throw new Error('a locked lot refused its units');
}

/** LedgerService.post of `order:<id>:capture` (debit the wallet, credit revenue): the wallet locked, then the entry written in one statement. */
async function capture(t: pg.PoolClient, orderId: string, customerId: string, total: number) {
  // Like ours, the house account is read once a process (on the first posting), then known.
  revenueId ??= (await t.query(Q.accountsByCode(2), [`wallet:${customerId}`, 'revenue'])).rows.find(
    (a) => a.kind === 'revenue',
  ).id as string;
  const [wallet] = (await t.query(Q.accountsLockByCode(1), [`wallet:${customerId}`])).rows;
  if (Number(wallet.balance_minor) < total) throw new Refused(409, 'payments/insufficient-funds');
  const now = new Date();
  const entry = {
    id: uuidv7(),
    key: `order:${orderId}:capture`,
    kind: 'order.capture',
    ref_type: 'order',
    ref_id: orderId,
    memo: null,
    created_by: customerId,
    created_at: now,
  };
  const postings = [
    { id: uuidv7(), entry_id: entry.id, account_id: wallet.id, currency: 'EGP', amount_minor: total, created_at: now },
    { id: uuidv7(), entry_id: entry.id, account_id: revenueId, currency: 'EGP', amount_minor: -total, created_at: now },
  ];
  const written = (
    await t.query(Q.LEDGER_WRITE, [
      JSON.stringify([entry]),
      JSON.stringify(postings),
      JSON.stringify([{ id: wallet.id, delta: -total }]),
      JSON.stringify([{ id: revenueId, shard: randomInt(16), delta: total }]),
    ])
  ).rows[0];
  if (written.inserted !== 1 || written.applied !== 1) throw new Error('the capture was refused after its check');
}
