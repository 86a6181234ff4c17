import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';
import { createCategory, createProduct, uniqueGtin } from '../factories/catalog.factory.js';

let t: TestApp;
let manager: string;
let category: { id: string; nameEn: string; nameAr: string };

beforeAll(async () => {
  t = await bootTestApp({ IMPORT_LIMIT_BYTES: '200000' });
  manager = (await createStaff(t, [{ role: 'catalog_manager', branchId: null }])).accessToken;
  category = await createCategory(t, manager, {
    nameEn: `Antibiotics ${randomUUID().slice(0, 6)}`,
    nameAr: `مضادات حيوية ${randomUUID().slice(0, 6)}`,
  });
});
afterAll(async () => {
  await t?.close();
});

const HEADER = 'nameEn,nameAr,ingredients,form,packSize,manufacturer,barcode,category,priceMinor,rxRequired,controlled';

function csvImport(body: string | Buffer, token = manager, contentType = 'text/csv; charset=utf-8'): Promise<Res> {
  return t.http.request('POST', '/v1/admin/products/import', {
    raw: body,
    token,
    headers: { 'content-type': contentType },
  });
}

async function productByBarcode(barcode: string) {
  const res = (await t.database.db.execute(
    sql`select id, name_ar, price_minor, version, active, ingredients, category_id from products where barcode = ${barcode}`,
  )) as unknown as {
    rows: {
      id: string;
      name_ar: string;
      price_minor: number;
      version: number;
      active: boolean;
      ingredients: unknown;
      category_id: string;
    }[];
  };
  return res.rows[0];
}

describe('CSV import', () => {
  it('creates valid rows, reports every bad row with its line and reason, and keeps Arabic intact', async () => {
    const [a, b, c, dupe] = [uniqueGtin(), uniqueGtin(), uniqueGtin(), uniqueGtin()];
    const badCheck = a.slice(0, -1) + String((Number(a.at(-1)) + 1) % 10);
    const csv = [
      '\uFEFF' + HEADER,
      `Augmentin 1 g,"أوجمنتين ١ جم","Amoxicillin 875 mg; Clavulanic acid 125 mg",tablet,14 tablets,GSK,${a},${category.nameEn},12550,true,false`,
      `"Panadol, Extra",بنادول إكسترا,Paracetamol 500 mg,tablet,24 tablets,GSK,${b},${category.nameAr},4550,no,no`,
      `Bad check,خطأ,Paracetamol 500 mg,tablet,24 tablets,GSK,${badCheck},${category.id},100,false,false`,
      `Unknown category,فئة,Paracetamol 500 mg,tablet,24 tablets,GSK,${uniqueGtin()},Nowhere,100,false,false`,
      `No strength,بلا,Paracetamol,tablet,24 tablets,GSK,${uniqueGtin()},${category.id},100,false,false`,
      `Short row,قصير,Paracetamol 500 mg`,
      '',
      `Controlled,خاضع,Tramadol 50 mg,capsule,10 capsules,Pharco,${uniqueGtin()},${category.id},900,false,true`,
      `Bad price,سعر,Paracetamol 500 mg,tablet,24 tablets,GSK,${uniqueGtin()},${category.id},12.50,false,false`,
      `Amoclav,أموكلاف,Amoxicillin 875 mg; Clavulanic acid 125 mg,tablet,14 tablets,EIPICO,${c},${category.id},9900,true,false`,
      `Twice,مرتين,Paracetamol 500 mg,tablet,24 tablets,GSK,${dupe},${category.id},100,false,false`,
      `Twice again,مرتين,Paracetamol 500 mg,tablet,24 tablets,GSK,${dupe},${category.id},100,false,false`,
    ].join('\r\n');
    const res = await csvImport(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 4, updated: 0, unchanged: 0, rejectedCount: 7 });
    const rejected = res.body.rejected as { line: number; barcode?: string; reason: string }[];
    expect(rejected.map((r) => r.line)).toEqual([4, 5, 6, 7, 9, 10, 13]);
    expect(rejected[0]).toMatchObject({ barcode: badCheck, reason: expect.stringContaining('check digit') });
    expect(rejected[1].reason).toContain('category');
    expect(rejected[2].reason).toContain('no strength');
    expect(rejected[3].reason).toBe('expected 11 columns, found 3');
    expect(rejected[4].reason).toContain('prescription');
    expect(rejected[5].reason).toContain('priceMinor');
    expect(rejected[6]).toEqual({ line: 13, barcode: dupe, reason: 'the barcode is already on line 12 of this file' });

    const augmentin = await productByBarcode(a);
    expect(augmentin).toMatchObject({ name_ar: 'أوجمنتين ١ جم', price_minor: 12550, version: 1, active: true });
    expect(augmentin.ingredients).toEqual([
      { name: 'Amoxicillin', strength: '875 mg' },
      { name: 'Clavulanic acid', strength: '125 mg' },
    ]);
    // Found by the Arabic category name, and the quoted comma survives.
    expect((await productByBarcode(b)).category_id).toBe(category.id);
    expect((await t.http.get(`/v1/products/${(await productByBarcode(b)).id}`)).body.nameEn).toBe('Panadol, Extra');
  });

  it('upserts by barcode: unchanged rows are left alone, changed ones updated (version bumped, cache dropped)', async () => {
    const barcode = uniqueGtin();
    const line = (price: number, active = '') =>
      `Cataflam 50 mg,كتافلام,Diclofenac potassium 50 mg,tablet,20 tablets,Novartis,${barcode},${category.id},${price},false,false${active}`;
    expect((await csvImport(`${HEADER}\n${line(3000)}\n`)).body).toMatchObject({ created: 1, updated: 0 });
    const { id } = await productByBarcode(barcode);
    expect((await t.http.get(`/v1/products/${id}`)).body.priceMinor).toBe(3000); // cached now

    expect((await csvImport(`${HEADER}\n${line(3000)}\n`)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 1,
    });
    expect((await productByBarcode(barcode)).version).toBe(1);

    expect((await csvImport(`${HEADER}\n${line(3500)}\n`)).body).toMatchObject({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect((await t.http.get(`/v1/products/${id}`)).body).toMatchObject({ priceMinor: 3500, version: 2 });

    // The optional `active` column deactivates through the same upsert.
    const off = await csvImport(`${HEADER},active\n${line(3500, ',false')}\n`);
    expect(off.body).toMatchObject({ updated: 1 });
    expect((await t.http.get(`/v1/products/${id}`)).status).toBe(404);
  });

  it('updates a product created through the API, keeping its id', async () => {
    const p = await createProduct(t, manager, category.id);
    const res = await csvImport(
      `${HEADER}\n${p.nameEn},${p.nameAr},Paracetamol 500 mg,tablet,24 tablets,GSK,${p.barcode},${category.id},1,false,false\n`,
    );
    expect(res.body).toMatchObject({ created: 0, updated: 1 });
    expect((await t.http.get(`/v1/products/${p.id}`)).body).toMatchObject({ priceMinor: 1, version: 2 });
  });

  it('accepts the file as a multipart part named "file"', async () => {
    const barcode = uniqueGtin();
    const boundary = `----import-${randomUUID()}`;
    const csv = `${HEADER}\nZyrtec,زيرتك,Cetirizine 10 mg,tablet,20 tablets,UCB,${barcode},${category.id},5000,false,false\n`;
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="products.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    );
    const res = await csvImport(body, manager, `multipart/form-data; boundary=${boundary}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, rejectedCount: 0 });
    const empty = await csvImport(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}--\r\n`),
      manager,
      `multipart/form-data; boundary=${boundary}`,
    );
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('catalog/import-empty');
  });

  it('refuses a whole file that is not UTF-8, not well-formed CSV, or has a bad header, writing nothing', async () => {
    const barcode = uniqueGtin();
    const row = `Good,جيد,Paracetamol 500 mg,tablet,24 tablets,GSK,${barcode},${category.id},100,false,false`;
    const windows1256 = Buffer.concat([
      Buffer.from(`${HEADER}\n${row.replace('جيد', 'x')}`),
      Buffer.from([0xc7, 0xe1]),
    ]);
    const cases: [string | Buffer, string][] = [
      [windows1256, 'catalog/import-bad-encoding'],
      [`${HEADER}\n${row}\n"unclosed,quote\n`, 'catalog/import-malformed-csv'],
      [`${HEADER},colour\n${row},red\n`, 'catalog/import-bad-header'],
      [`nameEn,nameAr\n${row}\n`, 'catalog/import-bad-header'],
      ['', 'catalog/import-empty'],
    ];
    for (const [body, code] of cases) {
      const res = await csvImport(body);
      expect(res.status, code).toBe(400);
      expect(res.body.code).toBe(code);
    }
    expect(await productByBarcode(barcode)).toBeUndefined();
    const header = await csvImport(`${HEADER.replace('nameAr', 'NAMEAR')},colour,form\n`);
    expect(header.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual([
      'columns.colour:unknown_field',
      'columns.form:invalid_value',
    ]);
    const missing = await csvImport('nameEn\n');
    expect(missing.body.errors).toContainEqual({ field: 'columns.barcode', code: 'required', message: 'is required' });
  });

  it('pins a row the database refuses (batch retried row by row) without losing its neighbours', async () => {
    const [ok1, culprit, ok2] = [uniqueGtin(), uniqueGtin(), uniqueGtin()];
    // A refusal no validation can foresee: the database itself says no to one row.
    await t.database.db.execute(
      sql.raw(`create or replace function pg_temp_refuse() returns trigger language plpgsql as $$
        begin
          if new.barcode = '${culprit}' then
            raise exception 'refused' using errcode = 'check_violation', constraint = 'test_refusal';
          end if;
          return new;
        end $$;
        create trigger test_refuse before insert or update on products for each row execute function pg_temp_refuse();`),
    );
    try {
      const row = (barcode: string) =>
        `Row ${barcode},صف,Paracetamol 500 mg,tablet,24 tablets,GSK,${barcode},${category.id},100,false,false`;
      const res = await csvImport([HEADER, row(ok1), row(culprit), row(ok2)].join('\n'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 2, rejectedCount: 1 });
      expect(res.body.rejected).toEqual([
        { line: 3, barcode: culprit, reason: 'the row breaks a catalog rule (test_refusal)' },
      ]);
      expect(await productByBarcode(ok1)).toBeDefined();
      expect(await productByBarcode(ok2)).toBeDefined();
      expect(await productByBarcode(culprit)).toBeUndefined();
    } finally {
      await t.database.db.execute(sql.raw('drop trigger test_refuse on products; drop function pg_temp_refuse();'));
    }
  });

  it('answers 413 beyond IMPORT_LIMIT_BYTES, 415 for other content types, and keeps text/csv to this route', async () => {
    const big = `${HEADER}\n` + 'x'.repeat(210_000);
    const tooBig = await csvImport(big);
    expect(tooBig.status).toBe(413);
    const json = await t.http.post('/v1/admin/products/import', { rows: [] }, manager);
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('common/unsupported-media-type');
    const elsewhere = await t.http.request('POST', '/v1/admin/categories', {
      raw: 'nameEn,nameAr\nA,B\n',
      token: manager,
      headers: { 'content-type': 'text/csv' },
    });
    expect(elsewhere.status).toBe(415);
  });

  it('is for catalog:write holders only, and is audited', async () => {
    const customer = await registerUser(t);
    expect((await csvImport(`${HEADER}\n`, customer.accessToken)).status).toBe(403);
    expect((await csvImport(`${HEADER}\n`, '')).status).toBe(401);
    const rows = (await t.database.db.execute(
      sql`select count(*)::int as n from audit_log where action = 'catalog.products_imported'`,
    )) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0].n).toBeGreaterThan(0);
  });
});
