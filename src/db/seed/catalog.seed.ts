import { eq, inArray } from 'drizzle-orm';
import { gtinCheckDigit, ingredientsKeyOf, searchTextOf } from '../../modules/catalog/index.js';
import type { Db } from '../client.js';
import { branches, categories, offers, products, stockLots, stockMovements } from '../schema.js';
import {
  DEMO_BRANCH,
  DEMO_BRANCHES,
  DEMO_CATEGORIES,
  DEMO_OFFER,
  DEMO_PRODUCTS,
  demoLotId,
  demoMovementId,
} from './demo-catalog.data.js';

const DAY = 86_400_000;
const BRANCH_IDS = [DEMO_BRANCH.cairo, DEMO_BRANCH.giza, DEMO_BRANCH.alexandria];
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export interface DemoLot {
  id: string;
  productId: string;
  branchId: string;
  lotNumber: string;
  expiresOn: string;
  quantity: number;
}

/**
 * Stock of the demo: every product but the last two at one to three branches, expiry dates spread from two
 * months to two years ahead, and one lot already expired (Panadol at Giza, its only lot there: Panadol is
 * out of stock at Giza). The last two products (Bepanthen, Sudocrem) have no stock at all.
 */
export function demoLots(now: Date): DemoLot[] {
  const lots: DemoLot[] = [];
  DEMO_PRODUCTS.slice(0, -2).forEach((product, i) => {
    const at = i % 3 === 0 ? BRANCH_IDS : i % 3 === 1 ? BRANCH_IDS.slice(0, 2) : [BRANCH_IDS[0], BRANCH_IDS[2]];
    at.forEach((branchId, b) => {
      const months = 2 + ((i * 7 + b * 5) % 23);
      const expires =
        i === 0 && branchId === DEMO_BRANCH.giza ? new Date(now.getTime() - 20 * DAY) : addMonths(now, months);
      const n = lots.length + 1;
      lots.push({
        id: demoLotId(n),
        productId: product.id,
        branchId,
        lotNumber: `LOT-${isoDate(expires).slice(2, 7).replace('-', '')}-${String(n).padStart(3, '0')}`,
        expiresOn: isoDate(expires),
        quantity: 5 + ((i * 13 + b * 17) % 60),
      });
    });
  });
  return lots;
}

function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months, 28);
  return r;
}

/**
 * Categories, products, branches, stock and one offer, in one transaction, each row keyed by its fixed id:
 * a second run inserts nothing. Written with drizzle (src/db may), texts normalised exactly as the catalog
 * module does (catalog.text.ts), and every lot with its `received` movement (balances = movements).
 */
export async function seedDemoCatalog(db: Db, now = new Date()): Promise<number> {
  // The offer is written last in the one transaction: when it is there, an earlier boot seeded everything.
  // Checking it first keeps a warm `npm start` from re-offering ~200 rows to ON CONFLICT (~0.5 s on PGlite).
  const seeded = await db.select({ id: offers.id }).from(offers).where(eq(offers.id, DEMO_OFFER.id));
  if (seeded.length > 0) return 0;
  return db.transaction(async (tx) => {
    let created = 0;
    for (const c of DEMO_CATEGORIES) {
      const rows = await tx.insert(categories).values(c).onConflictDoNothing().returning({ id: categories.id });
      created += rows.length;
    }
    const productRows = DEMO_PRODUCTS.map(({ barcodeBody, ...p }) => ({
      ...p,
      barcode: barcodeBody + gtinCheckDigit(barcodeBody),
      rxRequired: p.rxRequired ?? false,
      controlled: p.controlled ?? false,
      ingredientsKey: ingredientsKeyOf(p.ingredients),
      searchText: searchTextOf(p),
    }));
    created += (await tx.insert(products).values(productRows).onConflictDoNothing().returning({ id: products.id }))
      .length;
    created += (await tx.insert(branches).values(DEMO_BRANCHES).onConflictDoNothing().returning({ id: branches.id }))
      .length;

    // Only lots of demo products that exist (a product with a demo barcode may have been made by hand).
    const present = new Set(
      (
        await tx
          .select({ id: products.id })
          .from(products)
          .where(
            inArray(
              products.id,
              DEMO_PRODUCTS.map((p) => p.id),
            ),
          )
      ).map((r) => r.id),
    );
    const lots = demoLots(now).filter((l) => present.has(l.productId));
    const inserted = await tx
      .insert(stockLots)
      .values(lots.map(({ quantity, ...l }) => ({ ...l, onHand: quantity, reserved: 0 })))
      .onConflictDoNothing()
      .returning({ id: stockLots.id });
    const fresh = new Set(inserted.map((r) => r.id));
    const movements = lots
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => fresh.has(l.id))
      .map(({ l, i }) => ({
        id: demoMovementId(i + 1),
        lotId: l.id,
        branchId: l.branchId,
        productId: l.productId,
        type: 'received' as const,
        onHandDelta: l.quantity,
        reservedDelta: 0,
        actorType: 'system',
        reason: 'demo seed',
        reference: l.lotNumber,
      }));
    if (movements.length > 0) await tx.insert(stockMovements).values(movements).onConflictDoNothing();
    created += inserted.length;

    created += (
      await tx
        .insert(offers)
        .values({ ...DEMO_OFFER, startsAt: new Date(now.getTime() - DAY), endsAt: new Date(now.getTime() + 90 * DAY) })
        .onConflictDoNothing()
        .returning({ id: offers.id })
    ).length;
    return created;
  });
}
