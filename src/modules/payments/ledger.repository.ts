import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm';
import { DB, type Db, type DbOrTx } from '../../db/client.js';
import { jsonRows } from '../../db/json-rows.js';
import { withTx } from '../../db/transaction.js';
import { journalEntries, ledgerAccounts, ledgerBalanceShards, postings } from './payments.tables.js';

export type AccountRow = typeof ledgerAccounts.$inferSelect;
export type NewAccount = typeof ledgerAccounts.$inferInsert;
export type EntryRow = typeof journalEntries.$inferSelect;
export type NewEntry = typeof journalEntries.$inferInsert;
export type PostingRow = typeof postings.$inferSelect;
export type NewPosting = typeof postings.$inferInsert;

export interface HistoryRow {
  postingId: string;
  entryId: string;
  kind: string;
  amountMinor: number;
  refType: string | null;
  refId: string | null;
  memo: string | null;
  createdAt: Date;
}

/** An account's balance in full: its base row plus its shards (view ledger_balances, migration 0016). */
// Spelled out qualified: drizzle renders a select's columns unqualified, which inside the subquery is fragile.
const fullBalance =
  sql<number>`("ledger_accounts"."balance_minor" + coalesce((select sum(s."balance_minor") from "ledger_balance_shards" s where s."account_id" = "ledger_accounts"."id"), 0))::bigint`.mapWith(
    Number,
  );

/** All SQL of the ledger (rule 4). Decides nothing; every write runs in the caller's transaction. */
@Injectable()
export class LedgerRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** `fn` in the caller's transaction `tx`, or in a new one (db/transaction.ts). */
  transaction<T>(fn: (tx: DbOrTx) => Promise<T>, tx?: DbOrTx): Promise<T> {
    return withTx(this.db, tx, fn);
  }

  /** The accounts, each with its balance in full (base row plus shards). */
  accountsByCode(codes: readonly string[], tx: DbOrTx = this.db): Promise<AccountRow[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return tx
      .select({ ...getTableColumns(ledgerAccounts), balanceMinor: fullBalance })
      .from(ledgerAccounts)
      .where(inArray(ledgerAccounts.code, [...codes]));
  }

  /**
   * The accounts, locked until the transaction ends, taken in id order: every posting locks in that one
   * order, so two entries touching the same accounts wait for each other instead of deadlocking.
   */
  lockAccounts(ids: readonly string[], tx: DbOrTx): Promise<AccountRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(ledgerAccounts)
      .where(inArray(ledgerAccounts.id, [...ids]))
      .orderBy(asc(ledgerAccounts.id))
      .for('update');
  }

  /** lockAccounts by code: the accounts that exist, locked in id order. */
  lockAccountsByCode(codes: readonly string[], tx: DbOrTx): Promise<AccountRow[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(ledgerAccounts)
      .where(inArray(ledgerAccounts.code, [...codes]))
      .orderBy(asc(ledgerAccounts.id))
      .for('update');
  }

  /** Creates the accounts that do not exist yet (in code order); an existing code is left as it is. */
  async insertAccounts(rows: NewAccount[], tx: DbOrTx): Promise<void> {
    if (rows.length === 0) return;
    const sorted = [...rows].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    await tx.insert(ledgerAccounts).values(sorted).onConflictDoNothing({ target: ledgerAccounts.code });
  }

  async accountById(id: string, tx: DbOrTx = this.db): Promise<AccountRow | undefined> {
    const [row] = await tx
      .select({ ...getTableColumns(ledgerAccounts), balanceMinor: fullBalance })
      .from(ledgerAccounts)
      .where(eq(ledgerAccounts.id, id));
    return row;
  }

  /**
   * Adds `delta` to one shard of a house account that may go negative (no check: nothing decides on its
   * balance). The shard row is locked until the transaction ends, as the single row was, but parallel
   * postings mostly pick other shards.
   */
  async addToShard(accountId: string, shard: number, delta: number, tx: DbOrTx): Promise<void> {
    await tx
      .insert(ledgerBalanceShards)
      .values({ accountId, shard, balanceMinor: delta })
      .onConflictDoUpdate({
        target: [ledgerBalanceShards.accountId, ledgerBalanceShards.shard],
        set: { balanceMinor: sql`${ledgerBalanceShards.balanceMinor} + excluded.balance_minor` },
      });
  }

  /**
   * An entry with its postings and the cached balances it changes, in one statement (every money movement's
   * hot path): the entry under its key, or nothing at all when the key is taken (`inserted` false). A held
   * account's balance moves only while it stays within its limit (`applied` counts those that moved; the
   * caller checked them under lock, so fewer means roll back); a house account adds to the shard given.
   * Shards are upserted in account id order, so two entries never wait on each other's shards in a cycle.
   */
  async writeEntry(
    entry: EntryRow,
    rows: PostingRow[],
    balances: { accountId: string; delta: number }[],
    shards: { accountId: string; shard: number; delta: number }[],
    tx: DbOrTx,
  ): Promise<{ inserted: boolean; applied: number }> {
    const held = JSON.stringify(balances.map((b) => ({ id: b.accountId, delta: b.delta })));
    const house = JSON.stringify(
      [...shards]
        .sort((a, b) => (a.accountId < b.accountId ? -1 : 1))
        .map((s) => ({ id: s.accountId, shard: s.shard, delta: s.delta })),
    );
    const result = (await tx.execute(sql`
      with e as (
        insert into ${journalEntries} select * from jsonb_populate_recordset(null::journal_entries, ${jsonRows(journalEntries, [entry])}::jsonb)
        on conflict (key) do nothing returning id
      ), p as (
        insert into ${postings} select r.* from jsonb_populate_recordset(null::postings, ${jsonRows(postings, rows)}::jsonb) r
        where exists (select 1 from e)
      ), b as (
        update ${ledgerAccounts} a set balance_minor = a.balance_minor + v.delta
        from jsonb_to_recordset(${held}::jsonb) as v(id uuid, delta bigint)
        where a.id = v.id and exists (select 1 from e) and (a.may_go_negative or a.balance_minor + v.delta >= 0)
        returning a.id
      ), s as (
        insert into ${ledgerBalanceShards} (account_id, shard, balance_minor)
        select v.id, v.shard, v.delta from jsonb_to_recordset(${house}::jsonb) as v(id uuid, shard int, delta bigint)
        where exists (select 1 from e)
        on conflict (account_id, shard) do update set balance_minor = ${ledgerBalanceShards}.balance_minor + excluded.balance_minor
      )
      select (select count(*) from e)::int as inserted, (select count(*) from b)::int as applied`)) as unknown as {
      rows: { inserted: number; applied: number }[];
    };
    const row = result.rows[0];
    return { inserted: Number(row.inserted) > 0, applied: Number(row.applied) };
  }

  /** The new entry, or undefined when its key is already taken (then nothing was written). */
  async insertEntry(entry: NewEntry, tx: DbOrTx): Promise<EntryRow | undefined> {
    const [row] = await tx
      .insert(journalEntries)
      .values(entry)
      .onConflictDoNothing({ target: journalEntries.key })
      .returning();
    return row;
  }

  async entryByKey(
    key: string,
    tx: DbOrTx = this.db,
  ): Promise<{ entry: EntryRow; postings: PostingRow[] } | undefined> {
    const [entry] = await tx.select().from(journalEntries).where(eq(journalEntries.key, key));
    if (!entry) return undefined;
    const rows = await tx.select().from(postings).where(eq(postings.entryId, entry.id)).orderBy(asc(postings.id));
    return { entry, postings: rows };
  }

  insertPostings(rows: NewPosting[], tx: DbOrTx): Promise<PostingRow[]> {
    return tx.insert(postings).values(rows).returning();
  }

  /**
   * Moves the cached balance by `delta` unless that takes an account that may not go negative below zero;
   * the new balance, or undefined when refused. The CHECK on the table backs this up.
   */
  async applyBalance(accountId: string, delta: number, tx: DbOrTx): Promise<number | undefined> {
    const [row] = await tx
      .update(ledgerAccounts)
      .set({ balanceMinor: sql`${ledgerAccounts.balanceMinor} + ${delta}::bigint` })
      .where(
        and(
          eq(ledgerAccounts.id, accountId),
          sql`(${ledgerAccounts.mayGoNegative} OR ${ledgerAccounts.balanceMinor} + ${delta}::bigint >= 0)`,
        ),
      )
      .returning({ balanceMinor: ledgerAccounts.balanceMinor });
    return row?.balanceMinor;
  }

  /** An account's postings with their entries, newest first, after the keyset position `before`. */
  history(accountId: string, before: string | undefined, limit: number, tx: DbOrTx = this.db): Promise<HistoryRow[]> {
    return tx
      .select({
        postingId: postings.id,
        entryId: journalEntries.id,
        kind: journalEntries.kind,
        amountMinor: postings.amountMinor,
        refType: journalEntries.refType,
        refId: journalEntries.refId,
        memo: journalEntries.memo,
        createdAt: journalEntries.createdAt,
      })
      .from(postings)
      .innerJoin(journalEntries, eq(journalEntries.id, postings.entryId))
      .where(and(eq(postings.accountId, accountId), before ? lt(postings.id, before) : undefined))
      .orderBy(desc(postings.id))
      .limit(limit);
  }
}
