export * from './permissions.js';
export * from './actor.js';
export * from './decorators.js';
export * from './access-token-verifier.js';
export { AuthGuard, bearerToken, type AuthedRequest } from './auth.guard.js';
export * from './security-events.js';
