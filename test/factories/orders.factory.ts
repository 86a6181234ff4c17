import type { TestApp } from '../setup/app.js';
import { createBranch, receive } from './inventory.factory.js';
import { insertProduct } from './offers.factory.js';
import { createStaff, registerUser } from './user.factory.js';
import { PNG, filePart, multipartBody } from '../support/multipart.js';

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

/**
 * An order of a new customer's, placed at the shared branch and left where a staff route needs it:
 * `pending_verification` (one Rx-only line with the customer's uploaded photo) or `completed` (a COD pickup
 * worked to completion by the admin). Staff never act on their own orders, so the customer is not the caller.
 */
export async function placeOrderFor(
  t: TestApp,
  state: 'pending_verification' | 'completed',
): Promise<{ id: string; customerToken: string }> {
  const { admin, branchId } = await stockAdmin(t);
  const customer = await registerUser(t);
  const token = customer.accessToken;
  const product = await insertProduct(t, { priceMinor: 1800, rxRequired: state === 'pending_verification' });
  await receive(t, admin, branchId, { productId: product.id, quantity: 3 });
  await t.http.request('PUT', `/v1/cart/items/${product.id}`, { token, body: { quantity: 1 } });
  const prescriptionIds = state === 'pending_verification' ? [await uploadPhoto(t, token)] : undefined;
  const res = await t.http.request('POST', '/v1/orders', {
    token,
    body: { branchId, fulfilment: 'pickup', paymentMethod: 'cod', prescriptionIds },
    headers: { 'idempotency-key': `factory-${product.id}` },
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  if (state === 'completed')
    for (const to of ['preparing', 'ready', 'completed']) {
      const step = await t.http.request('POST', `/v1/admin/orders/${id}/transition`, {
        token: admin,
        body: { to },
        headers: { 'idempotency-key': `factory-${id}-${to}` },
      });
      if (step.status !== 200) throw new Error(`order step ${to} failed: ${step.status}`);
    }
  return { id, customerToken: token };
}

async function uploadPhoto(t: TestApp, token: string): Promise<string> {
  const { payload, contentType } = multipartBody([filePart(PNG, 'rx.png')]);
  const res = await t.http.request('POST', '/v1/prescriptions/uploads', {
    token,
    raw: payload,
    headers: { 'content-type': contentType },
  });
  if (res.status !== 201) throw new Error(`prescription upload failed: ${res.status}`);
  return res.body.id as string;
}
