import { createCategory, createProduct, uniqueGtin } from '../../factories/catalog.factory.js';
import { createBranch, inDays, receive } from '../../factories/inventory.factory.js';
import type { World } from './world.js';

export interface CatalogFixture {
  categoryId: string;
  productId: string;
  branchId: string;
  otherBranchId: string;
  lotNumber: string;
}

/** One category, product, two branches and a large lot per fuzz world, made through the admin API. */
const fixtures = new WeakMap<World, Promise<CatalogFixture>>();
export function catalogOf(w: World): Promise<CatalogFixture> {
  if (!fixtures.has(w)) fixtures.set(w, build(w));
  return fixtures.get(w)!;
}

async function build(w: World): Promise<CatalogFixture> {
  const token = w.admin.accessToken;
  const category = await createCategory(w.t, token);
  const product = await createProduct(w.t, token, category.id);
  const branch = await createBranch(w.t, token);
  const other = await createBranch(w.t, token);
  const lot = await receive(w.t, token, branch.id, { productId: product.id, quantity: 100_000 });
  return {
    categoryId: category.id,
    productId: product.id,
    branchId: branch.id,
    otherBranchId: other.id,
    lotNumber: lot.lotNumber,
  };
}

let lotSeq = 0;
export const freshLot = () => `FZ-${Date.now().toString(36)}-${(lotSeq++).toString(36)}`;

/** A one-row import file, as the multipart form the route documents. */
export async function importForm(w: World) {
  const { categoryId } = await catalogOf(w);
  const csv = [
    'nameEn,nameAr,ingredients,form,packSize,manufacturer,barcode,category,priceMinor,rxRequired,controlled',
    `Fuzzamol,فازامول,Paracetamol 500 mg,tablet,20 tablets,Medyour Labs,${uniqueGtin()},${categoryId},1250,false,false`,
  ].join('\n');
  return {
    kind: 'form' as const,
    parts: [{ name: 'file', filename: 'products.csv', contentType: 'text/csv', bytes: Buffer.from(csv) }],
  };
}

export const expiresNextYear = () => inDays(365);
