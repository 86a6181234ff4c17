import { createHash } from 'node:crypto';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { IDEMPOTENCY_CLAIM, IDEMPOTENCY_COMPLETE } from '../commerce/queries.js';

const KEY_TTL_MS = 24 * 3600 * 1000;
const CLAIM_TIMEOUT_MS = 60 * 1000;

/** What a baseline POST answers: 201 and its body, or a refusal the bench counts as non-2xx. */
export interface Answered {
  status: number;
  body: unknown;
}

/** A rule's refusal inside the transaction: rolled back and answered with its status and code. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/**
 * The idempotency interceptor's statements around a money-moving POST on bare pg, as ours sends them: the key
 * claimed, `run` in one transaction (201 with what it answers; a `Refused`, or what `refusal` makes of an
 * error, rolls back and answers it), then the key's answer stored.
 */
export async function idempotentPost(
  pool: pg.Pool,
  scope: string,
  key: string,
  body: unknown,
  run: (client: pg.PoolClient) => Promise<unknown>,
  refusal: (err: unknown) => Refused | undefined = () => undefined,
): Promise<Answered> {
  const hash = createHash('sha256')
    .update(JSON.stringify({ params: {}, body }))
    .digest('hex');
  const claimId = uuidv7();
  const now = new Date();
  const claimed = await pool.query(IDEMPOTENCY_CLAIM, [
    scope,
    key,
    hash,
    claimId,
    now,
    now,
    hash,
    null,
    null,
    claimId,
    now,
    now,
    null,
    new Date(now.getTime() - KEY_TTL_MS),
    new Date(now.getTime() - CLAIM_TIMEOUT_MS),
  ]);
  if (claimed.rows.length === 0) return { status: 409, body: { code: 'idempotency/in-progress' } };
  const client = await pool.connect();
  let answered: Answered;
  try {
    await client.query('begin');
    answered = { status: 201, body: await run(client) };
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    const refused = err instanceof Refused ? err : refusal(err);
    if (!refused) throw err;
    answered = { status: refused.status, body: { code: refused.code } };
  } finally {
    client.release();
  }
  await pool.query(IDEMPOTENCY_COMPLETE, [
    answered.status,
    JSON.stringify(answered.body),
    new Date(),
    scope,
    key,
    claimId,
  ]);
  return answered;
}
