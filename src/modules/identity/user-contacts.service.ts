import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { IdentityRepository } from './identity.repository.js';

/** How another module may reach a person: their language and their verified contacts only. */
export interface UserContact {
  userId: string;
  locale: string;
  /** Null unless verified: a notice to an unconfirmed address may reach a stranger (a typo, a squatter). */
  email: string | null;
  phone: string | null;
  active: boolean;
}

/** Identity's answer to "how do I reach this user" (notifications), without handing out its tables. */
@Injectable()
export class UserContacts {
  constructor(private readonly repo: IdentityRepository) {}

  /** `tx`: read in the caller's transaction (an outbox subscriber's, which may hold the only connection). */
  async of(userId: string, tx?: DbOrTx): Promise<UserContact | undefined> {
    const user = await this.repo.findUserById(userId, tx);
    if (!user) return undefined;
    return {
      userId: user.id,
      locale: user.locale,
      email: user.email && user.emailVerifiedAt ? user.email : null,
      phone: user.phone && user.phoneVerifiedAt ? user.phone : null,
      active: user.status !== 'suspended',
    };
  }
}
