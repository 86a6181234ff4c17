import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';

/** A doctor account's status step, told inside the transaction that makes it. */
export interface DoctorStatusChange {
  doctorId: string;
  name: string;
  to: 'active' | 'pending_approval' | 'suspended';
  actor: UserActor;
  tx: DbOrTx;
}

/**
 * What another module adds to a doctor account's status steps, without identity importing it: providers
 * registers at boot the licence checks an approval needs (a complete profile, a licence valid today) and
 * records who approved and when. The handler runs in the step's transaction before the status moves, so a
 * refusal (an AppError) leaves the account as it was, and a step that loses its race rolls back what the
 * handler wrote.
 */
@Injectable()
export class DoctorAccountHooks {
  private handler: ((change: DoctorStatusChange) => Promise<void>) | undefined;

  onStatusChange(handler: (change: DoctorStatusChange) => Promise<void>): void {
    if (this.handler) throw new Error('a doctor status handler is already registered');
    this.handler = handler;
  }

  async run(change: DoctorStatusChange): Promise<void> {
    await this.handler?.(change);
  }
}
