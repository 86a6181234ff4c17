import type { FastifyRequest } from 'fastify';
import type { UserActor } from './actor.js';

/** Where the guard reports refusals (implemented by the audit module; the kernel imports no module). */
export interface SecurityEvents {
  forbidden(actor: UserActor, permission: string, request: FastifyRequest): Promise<void>;
}
export const SECURITY_EVENTS = Symbol('SECURITY_EVENTS');
