import type { TestApp } from '../setup/app.js';
import { createBranch, receive } from './inventory.factory.js';
import { insertProduct } from './offers.factory.js';
import { createStaff } from './user.factory.js';

/** One stocked branch per app (made by an admin), for objects that need stock: orders. */
const stockAdmins = new WeakMap<TestApp, Promise<{ admin: string; branchId: string }>>();
export function stockAdmin(t: TestApp) {
  let made = stockAdmins.get(t);
  if (!made) {
    made = (async () => {
      const admin = (await createStaff(t, [{ role: 'admin', branchId: null }])).accessToken;
      return { admin, branchId: (await createBranch(t, admin)).id };
    })();
    stockAdmins.set(t, made);
  }
  return made;
}

/**
 * A COD pickup order of `token`'s: the cart emptied, one product stocked at the shared branch put in it, checked
 * out through POST /v1/orders. Answers the order's id.
 */
export async function placeOrder(t: TestApp, token: string): Promise<string> {
  const { admin, branchId } = await stockAdmin(t);
  const product = await insertProduct(t, { priceMinor: 1200 });
  await receive(t, admin, branchId, { productId: product.id, quantity: 5 });
  await t.http.request('DELETE', '/v1/cart', { token });
  const put = await t.http.request('PUT', `/v1/cart/items/${product.id}`, { token, body: { quantity: 1 } });
  if (put.status !== 200) throw new Error(`cart fill failed: ${put.status}`);
  const res = await t.http.request('POST', '/v1/orders', {
    token,
    body: { branchId, fulfilment: 'pickup', paymentMethod: 'cod' },
    headers: { 'idempotency-key': `security-${product.id}` },
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
