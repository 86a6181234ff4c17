export { RealtimeService, type SessionsChangedHandler } from './realtime.service.js';
export { branchRoom, sessionRoom, userRoom } from './rooms.js';
