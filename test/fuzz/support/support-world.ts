import { openTicket, resolvedTicket } from '../../factories/support.factory.js';
import type { World } from './world.js';

/**
 * Support: the admin (the fuzzer's caller) as a ticket's customer, each request its own ticket in the state the
 * route needs (open for replies, notes and steps; resolved for a reopen); links and files left out of the
 * generated body (random ids are another customer's or missing: 404 by design).
 */
const adminTicket = async (w: World) => ({ id: await openTicket(w.t, w.admin.accessToken) });

export const SUPPORT_HINTS = {
  'POST /v1/tickets': {
    body: (w: World) => ({ subject: 'Fuzz ticket', body: 'Fuzz body', category: 'other', fileIds: [w.adminFile.id] }),
  },
  'GET /v1/tickets/{id}': { owned: true, params: adminTicket },
  'POST /v1/tickets/{id}/messages': {
    owned: true,
    params: adminTicket,
    body: (w: World) => ({ body: 'fuzz reply', fileIds: [w.adminFile.id] }),
  },
  'POST /v1/tickets/{id}/reopen': {
    owned: true,
    params: async (w: World) => ({ id: await resolvedTicket(w.t, w.admin.accessToken) }),
  },
  'GET /v1/admin/tickets/{id}': { params: adminTicket },
  'POST /v1/admin/tickets/{id}/assign': {
    params: adminTicket,
    body: (w: World) => ({ assigneeId: w.admin.user.id }),
  },
  'POST /v1/admin/tickets/{id}/messages': {
    params: adminTicket,
    body: (w: World) => ({ body: 'fuzz staff reply', fileIds: [w.adminFile.id] }),
  },
  'POST /v1/admin/tickets/{id}/notes': {
    params: adminTicket,
    body: (w: World) => ({ body: 'fuzz note', fileIds: [w.adminFile.id] }),
  },
  'POST /v1/admin/tickets/{id}/transition': {
    params: adminTicket,
    body: () => ({ to: 'resolved' }),
  },
};
