import { sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productWords, searchWords } from '../../src/db/schema.js';
import { bootTestApp, type TestApp } from '../setup/app.js';

/**
 * The word index tables are created by hand-written SQL (migration 0005) and declared in search.tables.ts;
 * this holds the two together: the declaration in the schema barrel is what the migrated database has.
 */
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(async () => {
  await t.close();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Columns as "name type [collation] [not null]", the primary key and the index names. */
function declared(table: PgTable) {
  const c = getTableConfig(table);
  const pk = c.primaryKeys[0];
  return {
    columns: c.columns.map((col) => `${col.name} ${col.getSQLType()}${col.notNull ? ' not null' : ''}`),
    primaryKey: {
      name: pk?.getName() ?? `${c.name}_pkey`,
      columns: pk ? pk.columns.map((col) => col.name) : c.columns.filter((col) => col.primary).map((col) => col.name),
    },
    indexes: c.indexes.map((i) => i.config.name).sort(),
  };
}

async function migrated(name: string) {
  const columns = await rows<{
    column_name: string;
    data_type: string;
    collation_name: string | null;
    is_nullable: string;
  }>(
    sql`select column_name, data_type, collation_name, is_nullable from information_schema.columns
        where table_schema = current_schema() and table_name = ${name} order by ordinal_position`,
  );
  const [pk] = await rows<{ name: string; columns: string[] }>(
    sql`select con.conname as name, array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as columns
        from pg_constraint con where con.conrelid = ${name}::regclass and con.contype = 'p'`,
  );
  const indexes = await rows<{ name: string }>(
    sql`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${name}
        and indexname not in (select conname from pg_constraint where conrelid = ${name}::regclass)`,
  );
  return {
    columns: columns.map(
      (c) =>
        `${c.column_name} ${c.data_type}${c.collation_name ? ` COLLATE "${c.collation_name}"` : ''}${c.is_nullable === 'NO' ? ' not null' : ''}`,
    ),
    primaryKey: pk,
    indexes: indexes.map((i) => i.name).sort(),
  };
}

describe('search tables declared in the schema', () => {
  it.each([
    ['search_words', searchWords],
    ['product_words', productWords],
  ] as const)('%s matches its migration', async (name, table) => {
    expect(getTableConfig(table).name).toBe(name);
    expect(declared(table)).toEqual(await migrated(name));
  });
});
