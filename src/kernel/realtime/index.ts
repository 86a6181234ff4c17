export { RealtimeService, type AttachedGateway } from './realtime.service.js';
export { branchRoom, roomsOf, sessionRoom, userRoom } from './rooms.js';
export { attachRealtime, REALTIME_PATH } from './realtime.gateway.js';
