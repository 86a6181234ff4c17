import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts, LedgerService, credit, debit } from '../../src/modules/payments/index.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { creditWallet } from '../factories/payments.factory.js';

const MISSING = '0190a0c8-0000-7000-8000-00000000dead';

let t: TestApp;
let admin: { accessToken: string; user: { id: string } };
beforeAll(async () => {
  t = await bootTestApp({ DATABASE_POOL_MAX: '15' });
  admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
});
afterAll(async () => {
  await t.close();
});

const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const entriesWithKeyLike = async (pattern: string) =>
  Number((await rows<{ n: string }>(sql`select count(*) as n from journal_entries where key like ${pattern}`))[0].n);
const wallet = (token: string, query = '') => t.http.get(`/v1/wallet${query}`, token);
const adjust = (userId: string, body: unknown, key: string | null = `adj-${randomUUID()}`, token = admin.accessToken) =>
  t.http.request('POST', `/v1/admin/wallets/${userId}/adjustments`, {
    body,
    token,
    headers: key ? { 'idempotency-key': key } : {},
  });
const spend = (customerId: string, amount: number) =>
  t.app.get(LedgerService).post({
    key: `test.order:${randomUUID()}:capture`,
    kind: 'order.capture',
    refType: 'order',
    refId: randomUUID(),
    lines: [debit(Accounts.wallet(customerId), amount), credit(Accounts.revenue, amount)],
  });

describe('GET /v1/wallet', () => {
  it('shows an empty wallet to an account that never held money, without opening one', async () => {
    const c = await registerUser(t);
    const res = await wallet(c.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ balanceMinor: 0, currency: 'EGP', entries: { items: [], nextCursor: null } });
    expect(await rows(sql`select 1 from ledger_accounts where owner_id = ${c.user.id}`)).toEqual([]);
    expect((await t.http.get('/v1/wallet')).status).toBe(401);
  });

  it('shows the balance and the movements, newest first, signed from the customer’s side', async () => {
    const c = await registerUser(t);
    await creditWallet(t, c.user.id, 5000, { memo: 'welcome credit' });
    const paid = await spend(c.user.id, 1200);
    const res = await wallet(c.accessToken);
    expect(res.body.balanceMinor).toBe(3800);
    expect(res.body.entries.items).toEqual([
      {
        id: expect.any(String),
        entryId: paid.id,
        kind: 'order.capture',
        amountMinor: -1200,
        refType: 'order',
        refId: paid.refId,
        memo: null,
        createdAt: paid.createdAt.toISOString(),
      },
      expect.objectContaining({ kind: 'test.credit', amountMinor: 5000, memo: 'welcome credit', refType: null }),
    ]);
    expect(res.body.entries.nextCursor).toBeNull();
  });

  it('pages the history with a cursor: every movement once, in order', async () => {
    const c = await registerUser(t);
    for (let i = 1; i <= 5; i++) await creditWallet(t, c.user.id, i * 100);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await wallet(c.accessToken, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.balanceMinor).toBe(1500);
      seen.push(...res.body.entries.items.map((i: { amountMinor: number }) => i.amountMinor));
      cursor = res.body.entries.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([500, 400, 300, 200, 100]);
  });

  it('answers bad paging with problem+json and field errors', async () => {
    const c = await registerUser(t);
    for (const [query, code] of [
      ['?limit=0', 'common/validation-failed'],
      ['?limit=101', 'common/validation-failed'],
      ['?limit=two', 'common/validation-failed'],
      ['?cursor=not-a-cursor', 'common/invalid-cursor'],
      [`?cursor=${Buffer.from(JSON.stringify(['x'])).toString('base64url')}`, 'common/invalid-cursor'],
      [`?userId=${c.user.id}`, 'common/validation-failed'],
    ]) {
      const res = await wallet(c.accessToken, query);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code, query).toBe(code);
      expect(res.body.errors?.length, query).toBeGreaterThan(0);
    }
  });

  it('is always the caller’s own: another customer sees only their own wallet, and cannot name one', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    await creditWallet(t, a.user.id, 900);
    expect((await wallet(a.accessToken)).body.balanceMinor).toBe(900);
    const theirs = await wallet(b.accessToken);
    expect(theirs.body).toEqual({ balanceMinor: 0, currency: 'EGP', entries: { items: [], nextCursor: null } });
    // A's cursor in B's hands pages B's (empty) wallet, never A's.
    for (let i = 0; i < 2; i++) await creditWallet(t, a.user.id, 1);
    const first = await wallet(a.accessToken, '?limit=1');
    const borrowed = await wallet(b.accessToken, `?limit=1&cursor=${first.body.entries.nextCursor}`);
    expect(borrowed.body.entries.items).toEqual([]);
    // Staff and doctors hold a wallet of their own too; an admin's is not a window on anyone else's.
    expect((await wallet(admin.accessToken)).body.balanceMinor).toBe(0);
  });
});

describe('POST /v1/admin/wallets/:id/adjustments', () => {
  it('credits and takes back, audited, and the customer sees it with the reason', async () => {
    const c = await registerUser(t);
    const key = `adj-${randomUUID()}`;
    const res = await adjust(c.user.id, { amountMinor: 2500, reason: 'Refund for a damaged parcel' }, key);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      entryId: expect.any(String),
      userId: c.user.id,
      amountMinor: 2500,
      balanceMinor: 2500,
      currency: 'EGP',
      replayed: false,
    });
    const back = await adjust(c.user.id, { amountMinor: -500, reason: 'Credited twice by mistake' });
    expect(back.status).toBe(201);
    expect(back.body.balanceMinor).toBe(2000);
    const mine = await wallet(c.accessToken);
    expect(mine.body.balanceMinor).toBe(2000);
    expect(mine.body.entries.items.map((i: { amountMinor: number; memo: string }) => [i.amountMinor, i.memo])).toEqual([
      [-500, 'Credited twice by mistake'],
      [2500, 'Refund for a damaged parcel'],
    ]);
    const audit = await rows<{ actor_id: string; details: Record<string, unknown> }>(
      sql`select actor_id, details from audit_log where action = 'wallet.adjusted' and subject_id = ${c.user.id} order by id`,
    );
    expect(audit).toEqual([
      {
        actor_id: admin.user.id,
        details: { entryId: res.body.entryId, amountMinor: 2500, reason: 'Refund for a damaged parcel' },
      },
      { actor_id: admin.user.id, details: expect.objectContaining({ amountMinor: -500 }) },
    ]);
    expect(await rows(sql`select created_by from journal_entries where id = ${res.body.entryId}`)).toEqual([
      { created_by: admin.user.id },
    ]);
  });

  it('never takes a wallet below zero: 409 in en and ar, nothing moved', async () => {
    const c = await registerUser(t);
    await adjust(c.user.id, { amountMinor: 300, reason: 'goodwill' });
    const res = await t.http.request('POST', `/v1/admin/wallets/${c.user.id}/adjustments`, {
      body: { amountMinor: -301, reason: 'too much' },
      token: admin.accessToken,
      headers: { 'idempotency-key': `adj-${randomUUID()}`, 'accept-language': 'ar' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'payments/insufficient-funds', detail: 'الرصيد غير كافٍ لهذه العملية' });
    expect((await adjust(c.user.id, { amountMinor: -301, reason: 'too much' })).body.detail).toBe(
      'The balance is not enough for this payment',
    );
    expect((await wallet(c.accessToken)).body.balanceMinor).toBe(300);
    expect(
      await rows(sql`select 1 from audit_log where action = 'wallet.adjusted' and subject_id = ${c.user.id}`),
    ).toHaveLength(1);
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const c = await registerUser(t);
    const bodies: unknown[] = [
      {},
      { amountMinor: 0, reason: 'zero' },
      { amountMinor: 10.5, reason: 'fraction' },
      { amountMinor: '100', reason: 'text' },
      { amountMinor: 1_000_000_001, reason: 'too much' },
      { amountMinor: 100 },
      { amountMinor: 100, reason: ' ' },
      { amountMinor: 100, reason: 'ok reason', priceMinor: 1 },
    ];
    for (const body of bodies) {
      const res = await adjust(c.user.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('common/validation-failed');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const noKey = await adjust(c.user.id, { amountMinor: 100, reason: 'no key' }, null);
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({
      code: 'payments/idempotency-key-required',
      errors: [{ field: 'Idempotency-Key', code: 'required' }],
    });
    expect((await adjust('not-a-uuid', { amountMinor: 100, reason: 'bad id' })).status).toBe(400);
    const ghost = await adjust(MISSING, { amountMinor: 100, reason: 'nobody' });
    expect(ghost.status).toBe(404);
    expect(ghost.body.code).toBe('payments/account-holder-not-found');
    expect(await rows(sql`select 1 from ledger_accounts where owner_id in (${c.user.id}, ${MISSING})`)).toEqual([]);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('is for admins only', async () => {
    const c = await registerUser(t);
    for (const role of ['support_agent', 'branch_manager', 'pharmacist', 'catalog_manager']) {
      const staff = await createStaff(t, [{ role, branchId: null }]);
      const res = await adjust(
        c.user.id,
        { amountMinor: 100, reason: 'not mine to give' },
        undefined,
        staff.accessToken,
      );
      expect(res.status, role).toBe(403);
    }
    expect(
      (await adjust(c.user.id, { amountMinor: 100, reason: 'self-service' }, undefined, c.accessToken)).status,
    ).toBe(403);
    expect((await wallet(c.accessToken)).body.balanceMinor).toBe(0);
  });

  it('moves the money once per Idempotency-Key: replays, parallel retries, and after the HTTP record is gone', async () => {
    const c = await registerUser(t);
    const key = `adj-${randomUUID()}`;
    const body = { amountMinor: 700, reason: 'late delivery' };
    const first = await adjust(c.user.id, body, key);
    const replay = await adjust(c.user.id, body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await adjust(c.user.id, { ...body, amountMinor: 800 }, key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('common/idempotency-key-reused');

    // The replay record is pruned after its TTL (or lost): the ledger's own key still moves the money once.
    await t.database.db.execute(sql`delete from idempotency_keys where key = ${key}`);
    const late = await adjust(c.user.id, body, key);
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ entryId: first.body.entryId, balanceMinor: 700, replayed: true });
    // ...and refuses another correction under it.
    await t.database.db.execute(sql`delete from idempotency_keys where key = ${key}`);
    const lateOther = await adjust(c.user.id, { ...body, amountMinor: 800 }, key);
    expect(lateOther.status).toBe(409);
    expect(lateOther.body.code).toBe('payments/entry-conflict');

    const parallelKey = `adj-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => adjust(c.user.id, body, parallelKey)));
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 201 || r.body.code === 'common/idempotency-in-progress')).toBe(true);
    expect(await entriesWithKeyLike(`wallet.adjustment:${admin.user.id}:${parallelKey}`)).toBe(1);
    expect((await wallet(c.accessToken)).body.balanceMinor).toBe(1400);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});
