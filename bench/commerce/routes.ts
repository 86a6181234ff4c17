import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { verifyAccessToken } from '../../src/modules/identity/identity.tokens.js';
import { placeOrder } from './checkout.js';
import { cartView, priceCart } from './pricing.js';
import * as Q from './queries.js';

const STATE_TTL_MS = 60_000;

/**
 * The baseline's commerce routes (bench/baseline/server.ts registers them when JWT_SECRET is set): the same
 * access tokens as our API (verified with the application's own function and derived key), the session's
 * state read once a minute per session and the branch record once per branch, as our API caches them.
 */
export function registerCommerce(app: FastifyInstance, pool: pg.Pool, jwtSecret: string): void {
  const secret = new TextEncoder().encode(loadConfig({ JWT_SECRET: jwtSecret }).auth.keys.tokens);
  const sessions = new Map<string, { userId: string; ok: boolean; until: number }>();
  const branches = new Map<string, Promise<boolean>>();

  async function customer(req: FastifyRequest): Promise<string | undefined> {
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const claims = token ? await verifyAccessToken(token, secret) : undefined;
    if (!claims) return undefined;
    let state = sessions.get(claims.sid);
    if (!state || state.until < Date.now()) {
      const row = (await pool.query(Q.SESSION_STATE, [claims.sid])).rows[0];
      const ok = !!row && row.revoked_at === null && row.status !== 'suspended' && row.session_version === claims.sv;
      state = { userId: row?.id, ok, until: Date.now() + STATE_TTL_MS };
      sessions.set(claims.sid, state);
    }
    return state.ok && state.userId === claims.sub ? claims.sub : undefined;
  }

  const activeBranch = (id: string) => {
    let found = branches.get(id);
    if (!found) {
      found = pool.query(Q.BRANCH_BY_ID, [id]).then((r) => r.rows[0]?.active === true);
      branches.set(id, found);
    }
    return found;
  };

  app.get<{ Querystring: { branchId?: string; fulfilment?: 'delivery' | 'pickup' } }>(
    '/v1/cart',
    async (req, reply) => {
      const customerId = await customer(req);
      if (!customerId) return reply.code(401).send({ code: 'auth/invalid-token' });
      const branchId = req.query.branchId ?? '';
      const fulfilment = req.query.fulfilment ?? 'delivery';
      if (!(await activeBranch(branchId))) return reply.code(404).send({ code: 'branches/not-found' });
      const priced = await priceCart(pool, customerId, branchId, () => Promise.resolve(), fulfilment, false);
      return cartView(priced, branchId, fulfilment);
    },
  );

  app.post<{ Body: { branchId: string } }>('/v1/orders', async (req, reply) => {
    const customerId = await customer(req);
    if (!customerId) return reply.code(401).send({ code: 'auth/invalid-token' });
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return reply.code(400).send({ code: 'common/validation-failed' });
    const placed = await placeOrder(pool, customerId, req.body.branchId, key, req.body);
    return reply.code(placed.status).send(placed.body);
  });
}
