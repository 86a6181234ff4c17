import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../src/db/client.js';
import { withTx } from '../../src/db/transaction.js';
import type { AppError } from '../../src/kernel/errors/index.js';
import { OutboxService } from '../../src/kernel/events/index.js';
import {
  Accounts,
  LedgerInvariantError,
  LedgerService,
  WalletService,
  credit,
  debit,
  type PostEntry,
} from '../../src/modules/payments/index.js';
import { bootTestApp, EMBEDDED, type TestApp } from '../setup/app.js';
import { invariantViolations } from '../support/invariants.js';
import { insertCustomers } from '../factories/user.factory.js';
import { creditWallet } from '../factories/payments.factory.js';

let t: TestApp;
let ledger: LedgerService;
let customers: string[] = [];
beforeAll(async () => {
  // Enough connections for the parallel postings to really meet in the database.
  t = await bootTestApp({ DATABASE_POOL_MAX: '25' });
  ledger = t.app.get(LedgerService);
  customers = await insertCustomers(t, 40);
});
afterAll(async () => {
  await t.close();
});

const customer = () => {
  const id = customers.pop();
  if (!id) throw new Error('ledger spec: add more customers in beforeAll');
  return id;
};
const rows = async <T>(query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const count = async (query: ReturnType<typeof sql>) => Number((await rows<{ n: string }>(query))[0].n);
const entriesWithKey = (key: string) => count(sql`select count(*) as n from journal_entries where key = ${key}`);
const walletBalance = async (customerId: string) => (await t.app.get(WalletService).walletOf(customerId)).balanceMinor;
const postingsOf = (customerId: string) =>
  count(
    sql`select count(*) as n from postings p join ledger_accounts a on a.id = p.account_id where a.code = ${`wallet:${customerId}`}`,
  );
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' ? ((r.reason as AppError).code ?? String(r.reason)) : 'ok';
const spend = (customerId: string, amount: number, key = `test.spend:${randomUUID()}`): PostEntry => ({
  key,
  kind: 'test.spend',
  lines: [debit(Accounts.wallet(customerId), amount), credit(Accounts.revenue, amount)],
});

describe('posting', () => {
  it('posts a balanced entry: both postings, both cached balances, in each account’s normal sense', async () => {
    const c = customer();
    const houseBefore = (await ledger.account(Accounts.gatewayClearing)).balanceMinor;
    const key = `test.top_up:${randomUUID()}`;
    const refId = randomUUID();
    const posted = await ledger.post({
      key,
      kind: 'wallet.top_up',
      refType: 'top_up',
      refId,
      memo: 'card top-up',
      lines: [debit(Accounts.gatewayClearing, 1500), credit(Accounts.wallet(c), 1500)],
    });
    expect(posted).toMatchObject({ key, kind: 'wallet.top_up', refType: 'top_up', refId, replayed: false });
    expect(posted.lines.map((l) => [l.code, l.currency, l.amountMinor])).toEqual([
      ['gateway_clearing', 'EGP', 1500],
      [`wallet:${c}`, 'EGP', -1500],
    ]);
    // The wallet (credit-normal) holds 1500; the clearing account (debit-normal) is owed 1500 more.
    expect(await walletBalance(c)).toBe(1500);
    expect((await ledger.account(Accounts.gatewayClearing)).balanceMinor).toBe(houseBefore + 1500);
    expect(await ledger.findEntry(key)).toMatchObject({ id: posted.id, replayed: true });
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('refuses an unbalanced entry before writing anything, not even the accounts it names', async () => {
    const c = customer();
    const key = `test.bad:${randomUUID()}`;
    await expect(
      ledger.post({
        key,
        kind: 'test.bad',
        lines: [debit(Accounts.adjustments, 500), credit(Accounts.wallet(c), 499)],
      }),
    ).rejects.toThrow(LedgerInvariantError);
    await expect(
      ledger.post({
        key,
        kind: 'Not An Event',
        lines: [debit(Accounts.adjustments, 5), credit(Accounts.wallet(c), 5)],
      }),
    ).rejects.toThrow(/not event-like/);
    expect(await entriesWithKey(key)).toBe(0);
    expect(await ledger.findAccount(Accounts.wallet(c))).toBeUndefined();
  });

  it('answers 404 for a wallet of nobody, and leaves nothing', async () => {
    const key = `test.ghost:${randomUUID()}`;
    await expect(
      ledger.post({
        key,
        kind: 'test.ghost',
        lines: [debit(Accounts.adjustments, 5), credit(Accounts.wallet(randomUUID()), 5)],
      }),
    ).rejects.toMatchObject({ code: 'payments/account-holder-not-found', status: 404 });
    expect(await entriesWithKey(key)).toBe(0);
  });
});

describe('the database keeps the ledger whole for any writer', () => {
  /** Writes an entry and its postings by hand, skipping the service. */
  const raw = async (lines: { accountId: string; amount: number }[]) =>
    t.database.db.transaction(async (tx) => {
      const id = randomUUID();
      await tx.execute(sql`insert into journal_entries (id, key, kind) values (${id}, ${`raw:${id}`}, 'test.raw')`);
      for (const l of lines)
        await tx.execute(
          sql`insert into postings (id, entry_id, account_id, currency, amount_minor) values (${randomUUID()}, ${id}, ${l.accountId}, 'EGP', ${l.amount})`,
        );
    });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'committed',
      (e: { cause?: { constraint?: string; code?: string } }) => e.cause?.constraint ?? e.cause?.code ?? String(e),
    );

  it('refuses at commit an entry that does not balance, or has a single posting', async () => {
    const revenue = await ledger.account(Accounts.revenue);
    const refunds = await ledger.account(Accounts.refunds);
    expect(
      await refusal(
        raw([
          { accountId: revenue.id, amount: -100 },
          { accountId: refunds.id, amount: 99 },
        ]),
      ),
    ).toBe('postings_balanced');
    expect(await refusal(raw([]))).toBe('journal_entries_postings');
    expect(await refusal(raw([{ accountId: revenue.id, amount: 1 }]))).toMatch(
      /^(journal_entries_postings|postings_balanced)$/,
    );
    // A posting in another currency than its account's has no account to point to.
    const fx = t.database.db.transaction(async (tx) => {
      const id = randomUUID();
      await tx.execute(sql`insert into journal_entries (id, key, kind) values (${id}, ${`raw:${id}`}, 'test.raw')`);
      await tx.execute(
        sql`insert into postings (id, entry_id, account_id, currency, amount_minor) values (${randomUUID()}, ${id}, ${revenue.id}, 'USD', 1), (${randomUUID()}, ${id}, ${refunds.id}, 'USD', -1)`,
      );
    });
    expect(await refusal(fx)).toBe('postings_account_fk');
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('keeps entries and postings append-only and a wallet from going below zero', async () => {
    const c = customer();
    const posted = await creditWallet(t, c, 300);
    expect(
      await refusal(t.database.db.execute(sql`update postings set amount_minor = 1 where entry_id = ${posted.id}`)),
    ).toBe('42501');
    expect(await refusal(t.database.db.execute(sql`delete from journal_entries where id = ${posted.id}`))).toBe(
      '42501',
    );
    expect(
      await refusal(
        t.database.db.execute(sql`update ledger_accounts set balance_minor = -1 where code = ${`wallet:${c}`}`),
      ),
    ).toBe('ledger_accounts_balance');
    expect(
      await refusal(
        t.database.db.execute(sql`update ledger_accounts set may_go_negative = true where code = ${`wallet:${c}`}`),
      ),
    ).toBe('ledger_accounts_held_not_negative');
    expect(await walletBalance(c)).toBe(300);
  });
});

describe('idempotency by key', () => {
  it('posts a key once: a retry answers the first entry, another movement under the key is refused', async () => {
    const c = customer();
    await creditWallet(t, c, 1000);
    const entry = spend(c, 1000);
    const first = await ledger.post(entry);
    // The retry is not refused for want of funds: the money it asks for already moved, under this key.
    const again = await ledger.post(entry);
    expect(again).toMatchObject({ id: first.id, replayed: true, lines: first.lines });
    await expect(ledger.post({ ...entry, lines: spend(c, 999).lines })).rejects.toMatchObject({
      code: 'payments/entry-conflict',
      status: 409,
    });
    await expect(
      ledger.post({ ...entry, lines: [debit(Accounts.wallet(customer()), 1000), credit(Accounts.revenue, 1000)] }),
    ).rejects.toMatchObject({ code: 'payments/entry-conflict' });
    await expect(ledger.post({ ...entry, kind: 'test.other' })).rejects.toMatchObject({
      code: 'payments/entry-conflict',
    });
    expect(await entriesWithKey(entry.key)).toBe(1);
    expect(await walletBalance(c)).toBe(0);
  });

  it('the same key posted 20 times in parallel makes one entry and moves the money once', async () => {
    const c = customer();
    await creditWallet(t, c, 700);
    const entry = spend(c, 500);
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.post(entry)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await entriesWithKey(entry.key)).toBe(1);
    expect(await walletBalance(c)).toBe(200);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('also between house accounts only, where no wallet lock orders the attempts', async () => {
    const key = `test.settle:${randomUUID()}`;
    const entry: PostEntry = {
      key,
      kind: 'test.settle',
      lines: [debit(Accounts.cashClearing, 250), credit(Accounts.revenue, 250)],
    };
    const before = (await ledger.account(Accounts.cashClearing)).balanceMinor;
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.post(entry)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await entriesWithKey(key)).toBe(1);
    expect((await ledger.account(Accounts.cashClearing)).balanceMinor).toBe(before + 250);
  });
});

describe('concurrency', () => {
  it('spreads a house account over balance shards: parallel postings land on several, and its balance is their sum', async () => {
    const shards = async () =>
      (
        (await t.database.db.execute(
          sql`select s.shard, s.balance_minor from ledger_balance_shards s join ledger_accounts a on a.id = s.account_id where a.code = 'adjustments'`,
        )) as unknown as { rows: { shard: number; balance_minor: string }[] }
      ).rows;
    const before = (await ledger.account(Accounts.adjustments)).balanceMinor;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ledger.post({
          key: `test.shards:${randomUUID()}`,
          kind: 'test.shards',
          lines: [debit(Accounts.adjustments, 10 + i), credit(Accounts.cashClearing, 10 + i)],
        }),
      ),
    );
    const sum = Array.from({ length: 40 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0);
    expect((await ledger.account(Accounts.adjustments)).balanceMinor).toBe(before + sum);
    expect(new Set((await shards()).map((r) => r.shard)).size).toBeGreaterThan(1);
    // A wallet keeps its single row: a balance that decides is never split.
    const c = customer();
    await creditWallet(t, c, 500);
    const walletShards = (await t.database.db.execute(
      sql`select count(*)::int as n from ledger_balance_shards s join ledger_accounts a on a.id = s.account_id where a.owner_id = ${c}`,
    )) as unknown as { rows: { n: number }[] };
    expect(walletShards.rows[0]!.n).toBe(0);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('50 parallel payments from a wallet holding 10 of them: exactly 10 succeed, the rest are clean 409s', async () => {
    const c = customer();
    await creditWallet(t, c, 10 * 370);
    const revenueBefore = (await ledger.account(Accounts.revenue)).balanceMinor;
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => ledger.post(spend(c, 370))));
    const codes = results.map(codeOf);
    expect(codes.filter((x) => x === 'ok')).toHaveLength(10);
    expect(codes.filter((x) => x === 'payments/insufficient-funds')).toHaveLength(40);
    expect(await walletBalance(c)).toBe(0);
    // One credit and ten payments: a refused payment left no posting behind.
    expect(await postingsOf(c)).toBe(11);
    // Other specs' entries may reach revenue meanwhile; at least these ten did.
    expect((await ledger.account(Accounts.revenue)).balanceMinor - revenueBefore).toBeGreaterThanOrEqual(3700);
    expect(await invariantViolations(t.database)).toEqual([]);
  });

  it('transfers both ways between two wallets at once neither deadlock nor lose money', async () => {
    const [a, b] = [customer(), customer()];
    await creditWallet(t, a, 1000);
    await creditWallet(t, b, 1000);
    const transfer = (from: string, to: string): PostEntry => ({
      key: `test.transfer:${randomUUID()}`,
      kind: 'test.transfer',
      lines: [debit(Accounts.wallet(from), 10), credit(Accounts.wallet(to), 10)],
    });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => ledger.post(i % 2 ? transfer(a, b) : transfer(b, a))),
    );
    expect(results.map(codeOf).filter((x) => x !== 'ok')).toEqual([]);
    expect([await walletBalance(a), await walletBalance(b)]).toEqual([1000, 1000]);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});

describe('inside the caller’s transaction', () => {
  it('rolls back with the caller: an entry posted in a transaction that then fails leaves nothing', async () => {
    const c = customer();
    await creditWallet(t, c, 800);
    const entry = spend(c, 800);
    const failing = withTx(t.database.db, undefined, async (tx) => {
      const posted = await ledger.post(entry, tx);
      expect(posted.replayed).toBe(false);
      expect(await ledger.balance(posted.lines[0].accountId, tx)).toBe(0);
      throw new Error('the order could not be saved');
    });
    await expect(failing).rejects.toThrow('the order could not be saved');
    expect(await entriesWithKey(entry.key)).toBe(0);
    expect(await walletBalance(c)).toBe(800);
    // The key is free again: the real attempt posts.
    expect((await ledger.post(entry)).replayed).toBe(false);
    expect(await walletBalance(c)).toBe(0);
  });

  it('commits with the caller: two entries and an event in one transaction', async () => {
    const c = customer();
    await creditWallet(t, c, 500);
    const outbox = t.app.get(OutboxService);
    const ref = randomUUID();
    await t.database.db.transaction(async (tx: DbOrTx) => {
      await ledger.post(spend(c, 300, `test.order:${ref}:capture`), tx);
      await ledger.post(spend(c, 200, `test.order:${ref}:fee`), tx);
      await outbox.publish('test.order.paid', { ref }, tx);
    });
    expect(await walletBalance(c)).toBe(0);
    expect(await count(sql`select count(*) as n from journal_entries where key like ${`test.order:${ref}:%`}`)).toBe(2);
  });

  it('a refused payment writes nothing even when the caller catches the error and commits', async () => {
    const c = customer();
    await creditWallet(t, c, 100);
    const refused = spend(c, 101);
    await t.database.db.transaction(async (tx) => {
      await expect(ledger.post(refused, tx)).rejects.toMatchObject({ code: 'payments/insufficient-funds' });
      // The caller falls back to another payment method and commits.
      await ledger.post(
        {
          key: `test.cod:${randomUUID()}`,
          kind: 'test.cod',
          lines: [debit(Accounts.cashClearing, 101), credit(Accounts.revenue, 101)],
        },
        tx,
      );
    });
    expect(await entriesWithKey(refused.key)).toBe(0);
    expect(await walletBalance(c)).toBe(100);
    expect(await postingsOf(c)).toBe(1);
    expect(await invariantViolations(t.database)).toEqual([]);
  });
});

describe('the ledger on PGlite', () => {
  let e: TestApp;
  beforeAll(async () => {
    e = await bootTestApp({ ...EMBEDDED, SEED_DEMO: 'false' });
  });
  afterAll(async () => {
    await e.close();
  });

  it('posts, replays, refuses an overdraft and keeps its invariants on the embedded engine', async () => {
    expect(e.database.kind).toBe('pglite');
    const l = e.app.get(LedgerService);
    const [c] = await insertCustomers(e, 1);
    await creditWallet(e, c, 900);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => l.post(spend(c, 300))));
    expect(results.map(codeOf).sort()).toEqual([
      'ok',
      'ok',
      'ok',
      'payments/insufficient-funds',
      'payments/insufficient-funds',
    ]);
    const entry = spend(c, 1);
    await creditWallet(e, c, 1);
    expect((await l.post(entry)).replayed).toBe(false);
    expect((await l.post(entry)).replayed).toBe(true);
    expect((await e.app.get(WalletService).walletOf(c)).balanceMinor).toBe(0);
    expect(await invariantViolations(e.database)).toEqual([]);
  });

  it('forgets a house account first used in a transaction that rolled back (its row never existed)', async () => {
    const l = e.app.get(LedgerService);
    // A fresh database: these house accounts are created by the first posting below, in the transaction.
    const entry = (amount: number): PostEntry => ({
      key: `test.house:${randomUUID()}`,
      kind: 'test.house',
      lines: [debit(Accounts.discounts, amount), credit(Accounts.refunds, amount)],
    });
    await expect(
      e.database.db.transaction(async (tx) => {
        await l.post(entry(5), tx);
        // The second posting reads the accounts the first one created, not yet committed.
        await l.post(entry(6), tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const posted = await l.post(entry(7));
    expect(posted.replayed).toBe(false);
    expect(await invariantViolations(e.database)).toEqual([]);
  });
});
