import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { cutoff, priceCart, type Line } from './pricing.js';
import * as Q from './queries.js';

/** What the baseline's checkout answers: 201 and the order, or a refusal the bench counts as non-2xx. */
export interface Placed {
  status: number;
  body: unknown;
}

const HOLD_MS = 30 * 24 * 3600 * 1000;
const KEY_TTL_MS = 24 * 3600 * 1000;
const CLAIM_TIMEOUT_MS = 60 * 1000;
const INT_MAX = 2_147_483_647;

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

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
  const scope = `${customerId}:POST:/v1/orders`;
  const hash = createHash('sha256')
    .update(JSON.stringify({ params: {}, body }))
    .digest('hex');
  const claimId = uuidv7();
  const now = new Date();
  const claimed = await pool.query(Q.IDEMPOTENCY_CLAIM, [
    scope,
    key,
    hash,
    claimId,
    now,
    now,
    hash,
    null,
    null,
    claimId,
    now,
    now,
    null,
    new Date(now.getTime() - KEY_TTL_MS),
    new Date(now.getTime() - CLAIM_TIMEOUT_MS),
  ]);
  if (claimed.rows.length === 0) return { status: 409, body: { code: 'idempotency/in-progress' } };
  const client = await pool.connect();
  let placed: Placed;
  try {
    await client.query('begin');
    placed = { status: 201, body: await inTransaction(client, customerId, branchId) };
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    if (!(err instanceof Refused)) throw err;
    placed = { status: err.status, body: { code: err.code } };
  } finally {
    client.release();
  }
  await pool.query(Q.IDEMPOTENCY_COMPLETE, [
    placed.status,
    JSON.stringify(placed.body),
    new Date(),
    scope,
    key,
    claimId,
  ]);
  return placed;
}

async function inTransaction(t: pg.PoolClient, customerId: string, branchId: string) {
  const touched = await t.query(Q.CART_TOUCH, [new Date(), customerId]);
  if (touched.rows.length === 0) throw new Refused(409, 'orders/empty-cart');
  const held = () => t.query(Q.BRANCH_HELD, [branchId]);
  const cart = await priceCart(t, customerId, branchId, held, 'pickup', true);
  if (cart.lines.length === 0) throw new Refused(409, 'orders/empty-cart');
  const id = uuidv7();
  const ref = `order:${id}`;
  await reserve(t, branchId, cart.lines, ref, customerId);
  const total = cart.subtotalMinor;
  const order = (
    await t.query(Q.ORDER_INSERT, [
      id,
      customerId,
      branchId,
      'confirmed',
      'pickup',
      'wallet',
      null,
      cart.subtotalMinor,
      0,
      0,
      0,
      0,
      total,
      'EGP',
      ref,
    ])
  ).rows[0];
  const lines = (
    await t.query(
      Q.orderLinesInsert(cart.lines.length),
      cart.lines.flatMap((l, i) => [
        id,
        i + 1,
        l.productId,
        l.quantity,
        l.unitPriceMinor,
        0,
        l.nameEn,
        l.nameAr,
        l.rxRequired,
        null,
      ]),
    )
  ).rows;
  await t.query(Q.ORDER_TRANSITION_INSERT, [uuidv7(), id, null, 'confirmed', customerId]);
  await capture(t, id, customerId, total);
  await t.query(Q.OUTBOX_INSERT, [
    uuidv7(),
    'order.updated',
    JSON.stringify({ orderId: id, customerId, branchId, from: null, to: 'confirmed' }),
  ]);
  await t.query(Q.CART_ITEMS_DELETE, [customerId]);
  await t.query(Q.CART_COUPON_CLEAR, [null, customerId]);
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
    subtotalMinor: Number(order.subtotal_minor),
    discountMinor: 0,
    deliveryFeeMinor: 0,
    pointsRedeemed: 0,
    totalMinor: Number(order.total_minor),
    createdAt: order.created_at.toISOString(),
  };
}

/** InventoryService.reserve: the branch held, the reference's lock, then each product's sellable lots FEFO. */
async function reserve(t: pg.PoolClient, branchId: string, lines: Line[], ref: string, actorId: string) {
  await t.query(Q.BRANCH_HELD, [branchId]);
  await t.query(Q.RESERVATION_LOCK, [`inventory:${ref}`]);
  await t.query(Q.RESERVATIONS_OF, [ref]);
  const day = cutoff();
  const taken: [string, number][] = [];
  const movements: unknown[] = [];
  for (const line of [...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
    let left = line.quantity;
    const lots = await t.query(Q.LOTS_FEFO, [line.productId, branchId, day]);
    for (const lot of lots.rows) {
      if (left === 0) break;
      const q = Math.min(left, lot.on_hand - lot.reserved);
      const moved = await t.query(Q.LOT_MOVE, [0, q, new Date(), lot.id, q, 0, q, 0, INT_MAX]);
      if (moved.rows.length === 0) throw new Error(`lot ${lot.id} refused a locked move`);
      movements.push(uuidv7(), lot.id, branchId, line.productId, 'reserved', 0, q, actorId, 'customer', ref);
      taken.push([lot.id, q]);
      left -= q;
    }
    if (left > 0) throw new Refused(409, 'inventory/insufficient-stock');
  }
  await t.query(Q.movementsInsert(taken.length), movements);
  const expires = new Date(Date.now() + HOLD_MS);
  await t.query(
    Q.reservationsInsert(taken.length),
    taken.flatMap(([lot, q], i) => [uuidv7(), ref, i + 1, lot, q, expires]),
  );
}

/** LedgerService.post of `order:<id>:capture`: debit the wallet, credit revenue. */
async function capture(t: pg.PoolClient, orderId: string, customerId: string, total: number) {
  const entryKey = `order:${orderId}:capture`;
  const accounts = await t.query(Q.accountsByCode(2), [`wallet:${customerId}`, 'revenue']);
  const wallet = accounts.rows.find((a) => a.kind === 'wallet');
  const revenue = accounts.rows.find((a) => a.kind === 'revenue');
  if (!wallet || !revenue) throw new Error('the bench fixture creates the wallet and revenue accounts');
  const [locked] = (await t.query(Q.accountsLock(1), [wallet.id])).rows;
  await t.query(Q.ENTRY_BY_KEY, [entryKey]);
  if (Number(locked.balance_minor) < total) throw new Refused(409, 'payments/insufficient-funds');
  const entry = (
    await t.query(Q.ENTRY_INSERT, [uuidv7(), entryKey, 'order.capture', 'order', orderId, null, customerId])
  ).rows[0];
  await t.query(Q.postingsInsert(2), [
    uuidv7(),
    entry.id,
    wallet.id,
    'EGP',
    total,
    uuidv7(),
    entry.id,
    revenue.id,
    'EGP',
    -total,
  ]);
  // Held accounts first, then by id: LedgerService's order of balance updates.
  await t.query(Q.BALANCE_APPLY, [-total, wallet.id, -total]);
  await t.query(Q.SHARD_ADD, [revenue.id, randomInt(16), total]);
}
