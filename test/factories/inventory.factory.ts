import type { TestApp } from '../setup/app.js';
import type { CreateBranchBody } from '../../src/modules/branches/branches.dto.js';
import { createCategory, createProduct } from './catalog.factory.js';
import { addDays, isoDate } from '../../src/modules/inventory/inventory.rules.js';
import { stockLots, stockMovements } from '../../src/modules/inventory/inventory.tables.js';

let seq = 0;

/** The body of POST /v1/admin/branches (the route's own schema). */
export type BranchInput = CreateBranchBody;

export function buildBranch(overrides: Partial<BranchInput> = {}): BranchInput {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}`;
  return {
    nameEn: `Branch ${n}`,
    nameAr: `فرع ${n}`,
    address: `${seq} Tahrir Street, Cairo`,
    lat: 30.0444,
    lng: 31.2357,
    phone: '+20223456789',
    timeZone: 'Africa/Cairo',
    deliveryRadiusKm: 5,
    openingHours: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opens: '00:00', closes: '24:00' })),
    ...overrides,
  };
}

export type BranchBody = BranchInput & { id: string; active: boolean; openNow: boolean };

export async function createBranch(t: TestApp, adminToken: string, overrides: Partial<BranchInput> = {}) {
  const res = await t.http.post('/v1/admin/branches', buildBranch(overrides), adminToken);
  if (res.status !== 201) throw new Error(`branch create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as BranchBody;
}

/** A product through the catalog's own route (stock needs a real product row). */
export async function createStockProduct(t: TestApp, adminToken: string): Promise<string> {
  const category = await createCategory(t, adminToken);
  return (await createProduct(t, adminToken, category.id)).id;
}

/** A date `days` from today (UTC), as lots carry it. */
export const inDays = (days: number) => addDays(isoDate(new Date()), days);

export async function receive(
  t: TestApp,
  token: string,
  branchId: string,
  body: { productId: string; lotNumber?: string; expiresOn?: string; quantity: number },
) {
  const res = await t.http.post(
    `/v1/admin/branches/${branchId}/stock/receive`,
    { lotNumber: `LOT-${(seq++).toString(36)}`, expiresOn: inDays(365), ...body },
    token,
  );
  if (res.status !== 201) throw new Error(`receive failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; lotNumber: string; onHand: number; reserved: number; expiresOn: string };
}

/**
 * A lot written straight to the database with its 'received' movement (balances still equal movements):
 * for stock the API refuses to receive, such as a lot that has already expired.
 */
export async function insertLot(
  t: TestApp,
  lot: { branchId: string; productId: string; lotNumber: string; expiresOn: string; onHand: number },
): Promise<string> {
  const [row] = await t.database.db.insert(stockLots).values(lot).returning({ id: stockLots.id });
  await t.database.db.insert(stockMovements).values({
    lotId: row.id,
    branchId: lot.branchId,
    productId: lot.productId,
    type: 'received',
    onHandDelta: lot.onHand,
    reservedDelta: 0,
    actorType: 'system',
    reason: 'test fixture',
  });
  return row.id;
}
