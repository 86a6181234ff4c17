import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { newId } from '../../src/kernel/ids.js';
import type { App } from '../../src/app.factory.js';
import { Accounts, LedgerService, credit, debit } from '../../src/modules/payments/index.js';
import type { TestApp } from '../setup/app.js';
import { placeOrder } from './orders.factory.js';

/** Puts `amountMinor` into the customer's wallet through the ledger (a support credit), as one entry. */
export function creditWallet(
  t: Pick<App, 'app'>,
  customerId: string,
  amountMinor: number,
  opts: { key?: string; memo?: string } = {},
) {
  return t.app.get(LedgerService).post({
    key: opts.key ?? `test.credit:${randomUUID()}`,
    kind: 'test.credit',
    memo: opts.memo,
    lines: [debit(Accounts.adjustments, amountMinor), credit(Accounts.wallet(customerId), amountMinor)],
  });
}

/**
 * A wallet top-up intent of `customerId` written straight into the table (no gateway needed), pending on a
 * checkout page by default: for the security harness, whose app runs without a card gateway.
 */
export async function insertPendingIntent(t: Pick<App, 'database'>, customerId: string): Promise<string> {
  const id = newId();
  const ref = `cs_test_${randomUUID().replace(/-/g, '')}`;
  await t.database.db.execute(
    sql`insert into payment_intents (id, purpose, customer_id, amount_minor, currency, status, gateway, gateway_ref, redirect_url)
        values (${id}, 'wallet_top_up', ${customerId}, 2500, 'EGP', 'pending', 'stripe', ${ref}, ${`https://checkout.fake-stripe.test/c/pay/${ref}`})`,
  );
  return id;
}

/**
 * A card order of `token`'s waiting for its payment, with a pending checkout page: a COD order placed through
 * checkout (stock, lines, history), then turned into a card order as one placed with a gateway would be (the
 * security harness and the fuzzer run without a card gateway).
 */
export async function placePendingCardOrder(t: TestApp, token: string): Promise<string> {
  const id = await placeOrder(t, token);
  await t.database.db.execute(
    sql`update orders set status = 'pending_payment', payment_method = 'card' where id = ${id}`,
  );
  const ref = `cs_test_${randomUUID().replace(/-/g, '')}`;
  await t.database.db.execute(
    sql`insert into payment_intents (id, purpose, ref_id, customer_id, amount_minor, currency, status, gateway, gateway_ref, redirect_url)
        select ${newId()}, 'order', o.id, o.customer_id, o.total_minor, o.currency, 'pending', 'stripe', ${ref},
               ${`https://checkout.fake-stripe.test/c/pay/${ref}`}
        from orders o where o.id = ${id}`,
  );
  return id;
}
