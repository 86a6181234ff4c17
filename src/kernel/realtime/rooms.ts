import type { UserActor } from '../auth/index.js';

/** Room names of the realtime gateway. Only the server puts a socket in a room (clients cannot join). */
export const userRoom = (userId: string) => `user:${userId}`;
export const branchRoom = (branchId: string) => `branch:${branchId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** The rooms a session belongs in: its user, itself (for revocation), and the branches a staff role scopes. */
export function roomsOf(actor: UserActor): string[] {
  const rooms = [userRoom(actor.userId), sessionRoom(actor.sessionId)];
  if (actor.accountType === 'staff') {
    for (const grant of actor.roles) if (grant.branchId) rooms.push(branchRoom(grant.branchId));
  }
  return [...new Set(rooms)];
}
