import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { newId } from '../../src/kernel/ids.js';
import type { TestApp } from '../setup/app.js';

/** An active plan written straight into the table (no admin needed); free by default, so no wallet either. */
export async function insertPlan(
  t: Pick<TestApp, 'database'>,
  opts: { priceMinor?: number; freeVideo?: number } = {},
): Promise<string> {
  const id = newId();
  await t.database.db.execute(
    sql`insert into plans (id, name_en, name_ar, interval, price_minor, currency, free_video_consultations, free_delivery, otc_percent_off)
        values (${id}, 'Test plan', 'خطة', 'monthly', ${opts.priceMinor ?? 0}, 'EGP', ${opts.freeVideo ?? 1}, true, 10)`,
  );
  return id;
}

/** Subscribes `token`'s account to a new free plan through the API; answers the subscription's id. */
export async function subscribeToFreePlan(t: TestApp, token: string): Promise<string> {
  const planId = await insertPlan(t);
  const res = await t.http.request('POST', '/v1/subscriptions', {
    token,
    body: { planId, paymentMethod: 'wallet' },
    headers: { 'idempotency-key': randomUUID() },
  });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
