import type { TestApp } from '../setup/app.js';
import { createStaff } from './user.factory.js';

const agents = new WeakMap<TestApp, Promise<string>>();
/** One support agent per app (cached): works the tickets the factories need in a state. */
export function supportAgent(t: TestApp): Promise<string> {
  let token = agents.get(t);
  if (!token) {
    token = createStaff(t, [{ role: 'support_agent', branchId: null }]).then((s) => s.accessToken);
    agents.set(t, token);
  }
  return token;
}

/** A ticket the customer opens (category `other`, one message). */
export async function openTicket(t: TestApp, token: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http.post(
    '/v1/tickets',
    { subject: 'Help', body: 'Please help', category: 'other', ...body },
    token,
  );
  if (res.status !== 201) throw new Error(`ticket failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A staff step of the ticket (as the cached support agent unless `staffToken` is given). */
export async function staffStep(
  t: TestApp,
  id: string,
  path: 'transition' | 'notes' | 'messages' | 'assign',
  body: Record<string, unknown>,
  staffToken?: string,
): Promise<Record<string, unknown>> {
  const res = await t.http.post(`/v1/admin/tickets/${id}/${path}`, body, staffToken ?? (await supportAgent(t)));
  if (res.status >= 300) throw new Error(`ticket ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

/** A ticket the customer opened and support resolved (reopenable for 7 days). */
export async function resolvedTicket(t: TestApp, token: string): Promise<string> {
  const id = await openTicket(t, token);
  await staffStep(t, id, 'transition', { to: 'resolved' });
  return id;
}
