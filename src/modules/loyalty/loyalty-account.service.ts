import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { cursorField, cursorShape, decodeCursor, toPage } from '../../kernel/http/index.js';
import { Accounts, LedgerService, type LedgerHistoryRow } from '../payments/index.js';
import type { LoyaltyEntryView, LoyaltyQuery, LoyaltyView } from './loyalty.dto.js';
import { LoyaltyRepository } from './loyalty.repository.js';

const historyCursor = cursorShape(cursorField.id);

/** GET /v1/loyalty: the signed-in customer's points, their next expiry and their history from the ledger. */
@Injectable()
export class LoyaltyAccountService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly repo: LoyaltyRepository,
    private readonly ledger: LedgerService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async mine(actor: UserActor, query: LoyaltyQuery): Promise<LoyaltyView> {
    const after = decodeCursor(query.cursor, historyCursor);
    const now = this.clock.now();
    // Separate reads, as on the wallet: a movement committed between them may show in one first.
    const [account, balance, nextExpiry] = await Promise.all([
      this.ledger.findAccount(Accounts.pointsWallet(actor.userId)),
      this.repo.spendable(actor.userId, now),
      this.repo.nextExpiry(actor.userId, now),
    ]);
    const rows = account ? await this.ledger.history(account.id, after?.[0], query.limit + 1) : [];
    return {
      balance,
      pointValueMinor: this.config.loyalty.pointValueMinor,
      currency: this.config.payments.currency,
      nextExpiry: nextExpiry && { points: nextExpiry.points, at: nextExpiry.at.toISOString() },
      history: toPage(rows, query.limit, (r) => [r.postingId], toEntryView),
    };
  }
}

const toEntryView = (r: LedgerHistoryRow): LoyaltyEntryView => ({
  id: r.postingId,
  entryId: r.entryId,
  kind: r.kind,
  // The points wallet is credit-normal: a credit (negative posting) is points in.
  points: -r.amountMinor,
  orderId: r.refType === 'order' ? r.refId : null,
  createdAt: r.createdAt.toISOString(),
});
