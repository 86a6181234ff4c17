import { Global, Module } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SECURITY_EVENTS, type UserActor } from '../../kernel/auth/index.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  providers: [
    AuditRepository,
    AuditService,
    {
      provide: SECURITY_EVENTS,
      inject: [AuditService],
      useFactory: (audit: AuditService) => ({
        forbidden: (actor: UserActor, permission: string, req: FastifyRequest) =>
          audit.recordSafely({
            actor,
            action: 'access.denied',
            subjectType: 'route',
            subjectId: `${req.method} ${req.routeOptions.url ?? req.url}`,
            outcome: 'denied',
            meta: { ip: req.ip, requestId: String(req.id), userAgent: undefined },
            details: { permission },
          }),
      }),
    },
  ],
  exports: [AuditService, SECURITY_EVENTS],
})
export class AuditModule {}
