import type { INestApplication } from '@nestjs/common';
import { inArray } from 'drizzle-orm';
import { buildUserActor, type UserActor } from '../../kernel/auth/index.js';
import { CartService } from '../../modules/cart/index.js';
import { InventoryService } from '../../modules/inventory/index.js';
import { OrderCheckoutService, OrdersService } from '../../modules/orders/index.js';
import { Accounts, LedgerService, credit, debit } from '../../modules/payments/index.js';
import { DB, type Db } from '../client.js';
import { users } from '../schema.js';
import { DEMO_BRANCH, DEMO_PRODUCTS } from './demo-catalog.data.js';

/** What the demo customer holds on first boot: 500.00 in the wallet (minor units). */
export const DEMO_WALLET_MINOR = 50_000;
const WELCOME_KEY = 'demo:wallet:welcome';

/**
 * A newcomer's first look at commerce (issue 16): the demo customer's wallet holds a welcome credit, and one
 * order of theirs went all the way — two OTC products picked up at the Cairo branch, paid from the wallet,
 * worked to completion by the demo admin — so wallet history, order history and points show on first boot.
 * Through the services, as a customer and staff would; idempotent (the credit by its ledger key, the order
 * only while the customer has none).
 */
export async function seedDemoCommerce(app: INestApplication): Promise<number> {
  const db = app.get<Db>(DB);
  const found = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, ['customer@medyour.local', 'admin@medyour.local']));
  const customerId = found.find((u) => u.email === 'customer@medyour.local')?.id;
  const adminId = found.find((u) => u.email === 'admin@medyour.local')?.id;
  if (!customerId || !adminId) return 0;
  const customer = buildUserActor({ userId: customerId, sessionId: 'demo-seed', accountType: 'customer', roles: [] });
  const admin = buildUserActor({
    userId: adminId,
    sessionId: 'demo-seed',
    accountType: 'staff',
    roles: [{ role: 'admin', branchId: null }],
  });

  const ledger = app.get(LedgerService);
  const welcome = await ledger.post({
    key: WELCOME_KEY,
    kind: 'wallet.adjustment',
    memo: 'Welcome credit (demo data)',
    actor: admin,
    lines: [debit(Accounts.adjustments, DEMO_WALLET_MINOR), credit(Accounts.wallet(customerId), DEMO_WALLET_MINOR)],
  });
  let seeded = welcome.replayed ? 0 : 1;

  const orders = app.get(OrdersService);
  if (
    (await orders.listMine(customer, { limit: 1 })).items.length === 0 &&
    (await placeDemoOrder(app, customer, admin))
  )
    seeded++;
  return seeded;
}

/** Two OTC products the Cairo branch sells now, checked out by wallet and completed. False: none in stock. */
async function placeDemoOrder(app: INestApplication, customer: UserActor, admin: UserActor): Promise<boolean> {
  const branchId = DEMO_BRANCH.cairo;
  const otc = DEMO_PRODUCTS.filter((p) => !p.rxRequired).map((p) => p.id);
  const stock = await app.get(InventoryService).sellableAt(branchId, otc);
  const picks = otc.filter((id) => (stock.get(id) ?? 0) >= 2).slice(0, 2);
  if (picks.length < 2) return false;
  const cart = app.get(CartService);
  await cart.empty(customer.userId);
  await cart.setItem(customer.userId, picks[0]!, 2);
  await cart.setItem(customer.userId, picks[1]!, 1);
  const orders = app.get(OrdersService);
  const order = await app
    .get(OrderCheckoutService)
    .checkout(customer, { branchId, fulfilment: 'pickup', paymentMethod: 'wallet' });
  for (const to of ['preparing', 'ready', 'completed'] as const)
    await orders.transitionByStaff(admin, order.id, to, to === 'completed' ? 'picked up (demo data)' : undefined);
  return true;
}
