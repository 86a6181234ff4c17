import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { invariantViolations } from '../support/invariants.js';

describe('test/invariants.sql', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', poolMax: 1, statementTimeoutMs: 10_000 });
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
  });

  it('holds on a fresh database and reports a planted violation', async () => {
    expect(await invariantViolations(db)).toEqual([]);
    await db.db.execute(
      sql`insert into users (id, type, name, email, password_hash, status) values (gen_random_uuid(), 'customer', 'x', 'x@example.test', 'h', 'pending_approval')`,
    );
    expect(await invariantViolations(db)).toEqual([expect.stringMatching(/^pending approval on a non-doctor: /)]);
  });

  it('reports a ledger that lost or made money', async () => {
    const before = await invariantViolations(db);
    const user = sql`(select id from users limit 1)`;
    await db.db.execute(sql`insert into ledger_accounts (id, code, kind, currency, normal_side, may_go_negative)
      values ('0190a0c8-0000-7000-8000-00000000a001', 'revenue', 'revenue', 'EGP', 'credit', true),
             ('0190a0c8-0000-7000-8000-00000000a002', 'adjustments', 'adjustments', 'EGP', 'debit', true)`);
    // A cached balance that drifted from its postings (no posting at all here).
    await db.db.execute(sql`update ledger_accounts set balance_minor = 5 where code = 'revenue'`);
    // An entry that does not balance and has one posting: only a writer that switched the triggers off gets here.
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`alter table postings disable trigger user`);
      await tx.execute(sql`alter table journal_entries disable trigger user`);
      await tx.execute(
        sql`insert into journal_entries (id, key, kind, created_by) values ('0190a0c8-0000-7000-8000-00000000e001', 'planted', 'test.planted', ${user})`,
      );
      await tx.execute(sql`insert into postings (id, entry_id, account_id, currency, amount_minor)
        values ('0190a0c8-0000-7000-8000-00000000f001', '0190a0c8-0000-7000-8000-00000000e001', '0190a0c8-0000-7000-8000-00000000a002', 'EGP', 7)`);
      await tx.execute(sql`alter table postings enable trigger user`);
      await tx.execute(sql`alter table journal_entries enable trigger user`);
    });
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        'journal entry does not balance: 0190a0c8-0000-7000-8000-00000000e001 EGP',
        'journal entry with fewer than two postings: 0190a0c8-0000-7000-8000-00000000e001',
        'ledger balance differs from its postings: revenue',
        'ledger balance differs from its postings: adjustments',
      ].sort(),
    );
  });

  it('reports orders whose money or history does not add up, and the tables refuse the worst themselves', async () => {
    const before = await invariantViolations(db);
    const o1 = '0190a0c8-0000-7000-8000-00000000d001';
    const o2 = '0190a0c8-0000-7000-8000-00000000d002';
    const someone = '0190a0c8-0000-7000-8000-0000000000aa';
    const order = (id: string, total: number) => sql`insert into orders (id, customer_id, branch_id, status, fulfilment,
      payment_method, subtotal_minor, discount_minor, delivery_fee_minor, points_redeemed, total_minor, currency, reservation_ref)
      values (${id}, ${someone}, ${someone}, 'confirmed', 'pickup', 'wallet', 1000, 100, 0, 0, ${total}, 'EGP', ${'order:' + id})`;
    // The total formula is a CHECK.
    await expect(db.db.execute(order(o1, 1000))).rejects.toThrow();
    await db.db.transaction(async (tx) => {
      // Keys to users, branches and products are not what this test is about.
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(order(o1, 900));
      await tx.execute(order(o2, 900));
      await tx.execute(sql`insert into order_lines (order_id, line_no, product_id, quantity, unit_price_minor, discount_minor, name_en, name_ar)
        values (${o2}, 1, ${someone}, 2, 400, 100, 'x', 'x')`);
      await tx.execute(sql`insert into order_transitions (id, order_id, from_status, to_status)
        values ('0190a0c8-0000-7000-8000-00000000d101', ${o2}, null, 'confirmed')`);
      // Captured more than the total (balanced, so only the order rule sees it).
      await tx.execute(sql`insert into journal_entries (id, key, kind, ref_type, ref_id)
        values ('0190a0c8-0000-7000-8000-00000000e002', ${'order:' + o2 + ':capture'}, 'order.capture', 'order', ${o2})`);
      await tx.execute(sql`insert into postings (id, entry_id, account_id, currency, amount_minor) values
        ('0190a0c8-0000-7000-8000-00000000f002', '0190a0c8-0000-7000-8000-00000000e002', '0190a0c8-0000-7000-8000-00000000a001', 'EGP', -901),
        ('0190a0c8-0000-7000-8000-00000000f003', '0190a0c8-0000-7000-8000-00000000e002', '0190a0c8-0000-7000-8000-00000000a002', 'EGP', 901)`);
    });
    // The history is append-only.
    const appendOnly = { cause: { message: expect.stringMatching(/append-only/) as unknown } };
    await expect(db.db.execute(sql`update order_transitions set reason = 'x'`)).rejects.toMatchObject(appendOnly);
    await expect(db.db.execute(sql`delete from order_transitions`)).rejects.toMatchObject(appendOnly);
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        `order history without exactly one first row: ${o1}`,
        `order subtotal or discount differs from its lines: ${o2}`,
        `order refunded more than captured, or captured more than its total: ${o2}`,
      ].sort(),
    );
  });

  it('reports points whose lots, uses or order do not add up', async () => {
    const before = await invariantViolations(db);
    const customer = '0190a0c8-0000-7000-8000-0000000000bb';
    const lot = '0190a0c8-0000-7000-8000-00000000c001';
    const o3 = '0190a0c8-0000-7000-8000-00000000d003';
    await db.db.transaction(async (tx) => {
      // Keys, the entry's postings and the append-only triggers are not what this test is about.
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(
        sql`insert into journal_entries (id, key, kind) values ('0190a0c8-0000-7000-8000-00000000e003', 'planted-points', 'loyalty.earn')`,
      );
      // 5 points left in a lot of 10 that gave nothing, and no points wallet holding them.
      await tx.execute(sql`insert into loyalty_lots (id, customer_id, source, entry_id, points, remaining, expires_at)
        values (${lot}, ${customer}, 'earn', '0190a0c8-0000-7000-8000-00000000e003', 10, 5, now() + interval '1 day')`);
      // An order that says it spent 5 points (worth 50) with no redemption behind it.
      await tx.execute(sql`insert into orders (id, customer_id, branch_id, status, fulfilment, payment_method, subtotal_minor,
        discount_minor, delivery_fee_minor, points_redeemed, points_value_minor, total_minor, currency, reservation_ref)
        values (${o3}, ${customer}, ${customer}, 'confirmed', 'pickup', 'cod', 1000, 0, 0, 5, 50, 950, 'EGP', ${'order:' + o3})`);
      await tx.execute(sql`insert into order_transitions (id, order_id, from_status, to_status)
        values ('0190a0c8-0000-7000-8000-00000000d103', ${o3}, null, 'confirmed')`);
    });
    // Points and their value go together, and the total subtracts the value (CHECKs, migration 0014).
    await expect(db.db.execute(sql`update orders set points_value_minor = 0 where id = ${o3}`)).rejects.toThrow();
    await expect(db.db.execute(sql`update orders set total_minor = 995 where id = ${o3}`)).rejects.toThrow();
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        `points wallet differs from its lots: points_wallet:${customer}`,
        `loyalty lot remaining differs from its uses: ${lot}`,
        `order points differ from their redemption: ${o3}`,
        // The planted entry itself (no postings).
        'journal entry with fewer than two postings: 0190a0c8-0000-7000-8000-00000000e003',
      ].sort(),
    );
  });

  it('reports card payments whose money did not move with them', async () => {
    const before = await invariantViolations(db);
    const customer = '0190a0c8-0000-7000-8000-0000000000cc';
    const paid = '0190a0c8-0000-7000-8000-00000000b001';
    const refund = '0190a0c8-0000-7000-8000-00000000b101';
    await db.db.transaction(async (tx) => {
      // The customer's row is not what this test is about.
      await tx.execute(sql`set local session_replication_role = replica`);
      // Paid by the gateway with no intent:<id>:paid entry, and refunded to the card beyond what it paid.
      await tx.execute(sql`insert into payment_intents (id, purpose, customer_id, amount_minor, currency, status, gateway, gateway_ref, paid_at)
        values (${paid}, 'wallet_top_up', ${customer}, 700, 'EGP', 'paid', 'stripe', 'cs_planted', now())`);
      await tx.execute(sql`insert into card_refunds (id, intent_id, key, amount_minor, status)
        values (${refund}, ${paid}, 'planted-card-refund', 800, 'requested')`);
    });
    // A paid intent without its paid time, and a zero amount, are refused by CHECKs (migration 0013).
    await expect(db.db.execute(sql`update payment_intents set paid_at = null where id = ${paid}`)).rejects.toThrow();
    await expect(db.db.execute(sql`update payment_intents set amount_minor = 0 where id = ${paid}`)).rejects.toThrow();
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        `card intent paid without exactly its one paid entry: ${paid}`,
        `card refunds beyond the card payment: ${paid}`,
        `card refund without its entry: ${refund}`,
        'gateway clearing differs from card payments minus card refunds: gateway_clearing',
      ].sort(),
    );
  });

  it('reports a practice profile on a non-doctor and an approval an inactive account still holds', async () => {
    const before = await invariantViolations(db);
    const customer = '0190a0c8-0000-7000-8000-00000000c101';
    const doctor = '0190a0c8-0000-7000-8000-00000000c102';
    await db.db.execute(sql`insert into users (id, type, name, email, password_hash, status) values
      (${customer}, 'customer', 'c', 'c101@example.test', 'h', 'active'),
      (${doctor}, 'doctor', 'd', 'c102@example.test', 'h', 'suspended')`);
    const profile = (id: string) => sql`insert into doctor_profiles (user_id, name, license_number, license_expires_on,
      languages, bio_en, bio_ar, video_fee_minor, clinic_fee_minor, approved_at, approved_by)
      values (${id}, 'x', 'L-1', '2099-12-31', '{ar}', 'b', 'ب', 0, 0, now(), ${customer})`;
    await db.db.execute(profile(customer));
    await db.db.execute(profile(doctor));
    const found = (await invariantViolations(db)).filter((v) => !before.includes(v));
    expect(found.sort()).toEqual(
      [
        `doctor profile of a non-doctor account: ${customer}`,
        `approved doctor profile on an account that is not active: ${doctor}`,
      ].sort(),
    );
  });
});
