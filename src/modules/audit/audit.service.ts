import { Injectable, Logger } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditRepository, type AuditRow } from './audit.repository.js';

export interface AuditEntry {
  /** `account`: a person acting before they hold a session (the login that opens one). */
  actor: Actor | { kind: 'anonymous' } | { kind: 'account'; userId: string; accountType: string };
  action: string;
  subjectType?: string;
  subjectId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  meta?: RequestMeta;
  details?: Record<string, unknown>;
}

/** Append-only audit trail of security events and reads of health data. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  constructor(private readonly repo: AuditRepository) {}

  /** Inside a transaction when given one, so the audit row commits with the change it records. */
  async record(entry: AuditEntry, tx?: DbOrTx): Promise<void> {
    const actor = entry.actor;
    await this.repo.insert(
      {
        actorId: actor.kind === 'user' || actor.kind === 'account' ? actor.userId : null,
        actorType: actor.kind === 'user' || actor.kind === 'account' ? actor.accountType : actor.kind,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        outcome: entry.outcome ?? 'success',
        ip: entry.meta?.ip,
        requestId: entry.meta?.requestId,
        details: entry.details ?? {},
      },
      tx,
    );
  }

  /** For events outside a transaction (failed logins): never let an audit failure break the request. */
  async recordSafely(entry: AuditEntry): Promise<void> {
    try {
      await this.record(entry);
    } catch (err) {
      this.logger.error(`audit write failed for ${entry.action}: ${(err as Error).message}`);
    }
  }

  /**
   * "Not yours" must answer exactly like "not found" (no id probing), and leave an access.denied row.
   * Returns the error for the caller to throw.
   */
  async notYours(
    actor: Actor,
    subjectType: string,
    subjectId: string,
    meta: RequestMeta | undefined,
    notFound: Error,
  ): Promise<Error> {
    await this.recordSafely({ actor, action: 'access.denied', subjectType, subjectId, outcome: 'denied', meta });
    return notFound;
  }

  list(filter: { subjectId?: string; action?: string; before?: string }, limit: number): Promise<AuditRow[]> {
    return this.repo.list(filter, limit);
  }
}
