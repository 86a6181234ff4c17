import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { verifyAccessToken } from '../../src/modules/identity/identity.tokens.js';
import { bookSlot } from './booking.js';
import { searchSlots } from './slots.js';
import * as Q from './queries.js';

const STATE_TTL_MS = 60_000;

/**
 * The baseline's care routes (bench/baseline/server.ts registers them when JWT_SECRET is set): the public
 * slot search, and booking with our API's access tokens (verified with the application's own function and
 * key; the session's state read once a minute per session, as our API caches it).
 */
export function registerCare(app: FastifyInstance, pool: pg.Pool, jwtSecret: string): void {
  const secret = new TextEncoder().encode(loadConfig({ JWT_SECRET: jwtSecret }).auth.keys.tokens);
  const sessions = new Map<string, { userId: string; ok: boolean; until: number }>();

  async function patient(req: FastifyRequest): Promise<string | undefined> {
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

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string } }>(
    '/v1/doctors/:id/slots',
    async (req, reply) => {
      const found = await searchSlots(pool, req.params.id, req.query.from, req.query.to);
      return found ?? reply.code(404).send({ code: 'availability/doctor-not-found' });
    },
  );

  app.post<{ Body: { doctorId: string; startsAt: string; type: 'video' } }>('/v1/appointments', async (req, reply) => {
    const patientId = await patient(req);
    if (!patientId) return reply.code(401).send({ code: 'auth/invalid-token' });
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return reply.code(400).send({ code: 'common/validation-failed' });
    const booked = await bookSlot(pool, patientId, req.body, key);
    return reply.code(booked.status).send(booked.body);
  });
}
