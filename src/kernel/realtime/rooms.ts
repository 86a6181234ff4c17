/** Room names of the realtime gateway. Only the server puts a socket in a room (clients cannot join). */
export const userRoom = (userId: string) => `user:${userId}`;
export const branchRoom = (branchId: string) => `branch:${branchId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
