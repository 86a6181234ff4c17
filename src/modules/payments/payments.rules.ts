/**
 * The chart of accounts and the arithmetic of a journal entry: pure, so the rules that keep money whole are
 * tested without a database (the database enforces them again: migration 0010).
 *
 * Sign convention: a posting's amount is signed, debit positive and credit negative, so every entry sums to
 * zero per currency. An account's balance is kept in its normal sense: a customer's wallet is money we owe
 * (credit-normal), so a credit of 500 raises its balance by 500; gateway clearing is money owed to us
 * (debit-normal), so a debit of 500 raises it.
 */

export const ACCOUNT_KINDS = [
  'wallet',
  'points_wallet',
  'gateway_clearing',
  'cash_clearing',
  'revenue',
  'discounts',
  'refunds',
  'adjustments',
  'loyalty_liability',
  'doctor_payable',
  'payment_holds',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type NormalSide = 'debit' | 'credit';

/** Points are their own unit, never mixed with money in one balance. */
export const POINTS_CURRENCY = 'PTS';

interface KindSpec {
  normalSide: NormalSide;
  /** Accounts a person holds never go below zero (DOMAIN: a wallet never goes negative). */
  mayGoNegative: boolean;
  /** Held by one user (customer or doctor): the code carries the owner's id. */
  owned: boolean;
  unit: 'money' | 'points';
}

export const ACCOUNT_SPECS: Readonly<Record<AccountKind, KindSpec>> = {
  /** What we owe a customer: top-ups, refunds to wallet, support credits; spent at checkout. */
  wallet: { normalSide: 'credit', mayGoNegative: false, owned: true, unit: 'money' },
  /** A customer's loyalty points (the loyalty part posts them). */
  points_wallet: { normalSide: 'credit', mayGoNegative: false, owned: true, unit: 'points' },
  /** Money a card gateway collected for us and has not paid out yet. */
  gateway_clearing: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'money' },
  /** Cash a courier or a branch collected on delivery and has not banked yet. */
  cash_clearing: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'money' },
  revenue: { normalSide: 'credit', mayGoNegative: true, owned: false, unit: 'money' },
  /** Offer and coupon discounts given (contra-revenue). */
  discounts: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'money' },
  refunds: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'money' },
  /** Support corrections of a wallet (goodwill credits, mistaken charges taken back). */
  adjustments: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'money' },
  /** The programme's side of the points ledger: its balance is the points issued and not yet spent or expired. */
  loyalty_liability: { normalSide: 'debit', mayGoNegative: true, owned: false, unit: 'points' },
  /** What we owe a doctor for consultations. */
  doctor_payable: { normalSide: 'credit', mayGoNegative: false, owned: true, unit: 'money' },
  /**
   * Money a customer paid for an order still waiting for its pharmacist (DOMAIN: verified before payment is
   * captured): no longer the wallet's, not revenue yet. Captured on approval, given back otherwise.
   */
  payment_holds: { normalSide: 'credit', mayGoNegative: false, owned: false, unit: 'money' },
};

/** Kinds held by one person (ACCOUNT_SPECS[kind].owned). */
export type OwnedKind = 'wallet' | 'points_wallet' | 'doctor_payable';
export type HouseKind = Exclude<AccountKind, OwnedKind>;
/** Names an account: an owned kind with its owner's user id, or a house account. */
export type AccountRef = { kind: OwnedKind; ownerId: string } | { kind: HouseKind };

/** The accounts callers post to. An owned account is created on its first posting. */
export const Accounts = {
  wallet: (customerId: string): AccountRef => ({ kind: 'wallet', ownerId: customerId }),
  pointsWallet: (customerId: string): AccountRef => ({ kind: 'points_wallet', ownerId: customerId }),
  doctorPayable: (doctorId: string): AccountRef => ({ kind: 'doctor_payable', ownerId: doctorId }),
  gatewayClearing: { kind: 'gateway_clearing' } as AccountRef,
  cashClearing: { kind: 'cash_clearing' } as AccountRef,
  revenue: { kind: 'revenue' } as AccountRef,
  discounts: { kind: 'discounts' } as AccountRef,
  refunds: { kind: 'refunds' } as AccountRef,
  adjustments: { kind: 'adjustments' } as AccountRef,
  loyaltyLiability: { kind: 'loyalty_liability' } as AccountRef,
  paymentHolds: { kind: 'payment_holds' } as AccountRef,
} as const;

/** `wallet:<customerId>` for an owned account, the kind alone for a house account (a CHECK keeps it so). */
export function accountCode(ref: AccountRef): string {
  return 'ownerId' in ref ? `${ref.kind}:${ref.ownerId.toLowerCase()}` : ref.kind;
}

export const ownerOf = (ref: AccountRef): string | null => ('ownerId' in ref ? ref.ownerId.toLowerCase() : null);

/** The currency an account of this kind holds: the deployment's money, or points. */
export const currencyOf = (kind: AccountKind, moneyCurrency: string): string =>
  ACCOUNT_SPECS[kind].unit === 'points' ? POINTS_CURRENCY : moneyCurrency;

/** How a posting moves the account's balance (kept in the account's normal sense). */
export const balanceDelta = (normalSide: NormalSide, amountMinor: number): number =>
  normalSide === 'debit' ? amountMinor : -amountMinor;

/** A line of an entry: debit positive, credit negative (use debit() and credit()). */
export interface EntryLine {
  account: AccountRef;
  amountMinor: number;
}
export const debit = (account: AccountRef, amountMinor: number): EntryLine => ({ account, amountMinor });
export const credit = (account: AccountRef, amountMinor: number): EntryLine => ({ account, amountMinor: -amountMinor });

/** Far above any real payment (10^12 minor units), far below where a sum of them could lose precision. */
export const MAX_LINE_MINOR = 1_000_000_000_000;
export const MAX_LINES = 50;

/**
 * A caller asked for an entry that cannot be posted (unbalanced, a zero or fractional amount, one line).
 * A bug in the caller, never the customer's doing: it surfaces as a 500 and is logged.
 */
export class LedgerInvariantError extends Error {
  override name = 'LedgerInvariantError';
}

/**
 * Refuses an entry whose lines do not balance per currency, or that has fewer than two lines, a line of
 * zero, a fractional or out-of-range amount, or two lines on one account (merge them).
 */
export function checkLines(lines: readonly EntryLine[], moneyCurrency: string): void {
  if (lines.length < 2 || lines.length > MAX_LINES)
    throw new LedgerInvariantError(`an entry has 2..${MAX_LINES} lines, not ${lines.length}`);
  const sums = new Map<string, number>();
  const codes = new Set<string>();
  for (const line of lines) {
    const code = accountCode(line.account);
    if (!(line.account.kind in ACCOUNT_SPECS)) throw new LedgerInvariantError(`unknown account kind in ${code}`);
    if (ACCOUNT_SPECS[line.account.kind].owned !== 'ownerId' in line.account)
      throw new LedgerInvariantError(`account ${code}: owned kinds name an owner, house accounts none`);
    if (codes.has(code)) throw new LedgerInvariantError(`two lines on ${code}: merge them`);
    codes.add(code);
    const a = line.amountMinor;
    if (!Number.isSafeInteger(a) || a === 0 || Math.abs(a) > MAX_LINE_MINOR)
      throw new LedgerInvariantError(
        `line on ${code}: amount ${a} is not a non-zero integer within ±${MAX_LINE_MINOR}`,
      );
    const currency = currencyOf(line.account.kind, moneyCurrency);
    sums.set(currency, (sums.get(currency) ?? 0) + a);
  }
  const off = [...sums].filter(([, sum]) => sum !== 0);
  if (off.length > 0)
    throw new LedgerInvariantError(
      `unbalanced entry: ${off.map(([c, s]) => `${c} ${s > 0 ? '+' : ''}${s}`).join(', ')}`,
    );
}

/** The net balance change per account code, for accounts whose balance may not go below zero and the rest. */
export function balanceChanges(lines: readonly EntryLine[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines) {
    const code = accountCode(line.account);
    out.set(code, (out.get(code) ?? 0) + balanceDelta(ACCOUNT_SPECS[line.account.kind].normalSide, line.amountMinor));
  }
  return out;
}

/** Entry kinds read like events: `wallet.adjustment`, `order.capture`, `order.refund`. */
export const ENTRY_KIND_RE = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/;
