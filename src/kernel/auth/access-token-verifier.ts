import type { UserActor } from './actor.js';

/** Implemented by the identity module: turns a bearer token into an actor or throws AppError(401). */
export interface AccessTokenVerifier {
  verify(token: string): Promise<UserActor>;
}
export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');
