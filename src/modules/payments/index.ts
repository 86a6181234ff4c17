export { PaymentsModule } from './payments.module.js';
export {
  LedgerService,
  type LedgerAccount,
  type LedgerHistoryRow,
  type PostEntry,
  type PostedEntry,
} from './ledger.service.js';
export { WalletService, type Wallet } from './wallet.service.js';
export {
  ACCOUNT_KINDS,
  Accounts,
  LedgerInvariantError,
  POINTS_CURRENCY,
  accountCode,
  credit,
  debit,
  type AccountKind,
  type AccountRef,
  type EntryLine,
} from './payments.rules.js';
export type { WalletEntryView, WalletView } from './payments.dto.js';
export { PaymentsMessages } from './payments.errors.js';
