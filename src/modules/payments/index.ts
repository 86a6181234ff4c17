export { PaymentsModule } from './payments.module.js';
export {
  LedgerService,
  type LedgerAccount,
  type LedgerHistoryRow,
  type PostEntry,
  type PostedEntry,
} from './ledger.service.js';
export { WalletService, type Wallet } from './wallet.service.js';
export { CardPaymentsService, PaymentEvents, type PaidHandler, type PaidIntent } from './card-payments.service.js';
export { CardRefundsService, type CardRefund, type CardRefundRequest } from './card-refunds.service.js';
export { intentPaidKey, type IntentPurpose, type IntentStatus } from './card-payments.machine.js';
export {
  PAYMENT_GATEWAY,
  GatewayError,
  WebhookSignatureError,
  type GatewayEvent,
  type PaymentGateway,
} from './gateway.js';
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
export type { CheckoutPaymentView, WalletEntryView, WalletView } from './payments.dto.js';
export { checkoutPaymentView } from './payments.dto.js';
export { PaymentsMessages } from './payments.errors.js';
