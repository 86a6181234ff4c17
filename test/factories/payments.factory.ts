import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.factory.js';
import { Accounts, LedgerService, credit, debit } from '../../src/modules/payments/index.js';

/** Puts `amountMinor` into the customer's wallet through the ledger (a support credit), as one entry. */
export function creditWallet(
  t: Pick<App, 'app'>,
  customerId: string,
  amountMinor: number,
  opts: { key?: string; memo?: string } = {},
) {
  return t.app.get(LedgerService).post({
    key: opts.key ?? `test.credit:${randomUUID()}`,
    kind: 'test.credit',
    memo: opts.memo,
    lines: [debit(Accounts.adjustments, amountMinor), credit(Accounts.wallet(customerId), amountMinor)],
  });
}
