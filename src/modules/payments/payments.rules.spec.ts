import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_KINDS,
  ACCOUNT_SPECS,
  Accounts,
  LedgerInvariantError,
  MAX_LINE_MINOR,
  accountCode,
  balanceChanges,
  checkLines,
  credit,
  currencyOf,
  debit,
  type AccountRef,
} from './payments.rules.js';

const C1 = '0190a0c8-0000-7000-8000-0000000000c1';
const C2 = '0190A0C8-0000-7000-8000-0000000000C2';

describe('accounts', () => {
  it('names owned accounts by kind and owner (lower case), house accounts by kind', () => {
    expect(accountCode(Accounts.wallet(C1))).toBe(`wallet:${C1}`);
    expect(accountCode(Accounts.wallet(C2))).toBe(`wallet:${C2.toLowerCase()}`);
    expect(accountCode(Accounts.doctorPayable(C1))).toBe(`doctor_payable:${C1}`);
    expect(accountCode(Accounts.revenue)).toBe('revenue');
  });

  it('keeps what a person holds from going negative, and points apart from money', () => {
    for (const kind of ACCOUNT_KINDS) {
      const spec = ACCOUNT_SPECS[kind];
      if (spec.owned) expect(spec.mayGoNegative, kind).toBe(false);
    }
    expect(currencyOf('wallet', 'EGP')).toBe('EGP');
    expect(currencyOf('points_wallet', 'EGP')).toBe('PTS');
    expect(currencyOf('loyalty_liability', 'EGP')).toBe('PTS');
  });
});

describe('checkLines', () => {
  const wallet = Accounts.wallet(C1);

  it('accepts a balanced entry and computes each balance change in the account’s normal sense', () => {
    const lines = [debit(Accounts.adjustments, 500), credit(wallet, 500)];
    expect(() => checkLines(lines, 'EGP')).not.toThrow();
    // A credit raises a wallet (what we owe); a debit raises an expense.
    expect(balanceChanges(lines)).toEqual(
      new Map([
        ['adjustments', 500],
        [`wallet:${C1}`, 500],
      ]),
    );
    const spend = [debit(wallet, 200), credit(Accounts.revenue, 200)];
    expect(balanceChanges(spend)).toEqual(
      new Map([
        [`wallet:${C1}`, -200],
        ['revenue', 200],
      ]),
    );
  });

  it('balances per currency: money and points each sum to zero', () => {
    const lines = [
      debit(wallet, 300),
      credit(Accounts.revenue, 300),
      debit(Accounts.loyaltyLiability, 30),
      credit(Accounts.pointsWallet(C1), 30),
    ];
    expect(() => checkLines(lines, 'EGP')).not.toThrow();
    // 300 EGP out and 300 points in is not balanced, even though the numbers cancel.
    expect(() => checkLines([debit(wallet, 300), credit(Accounts.pointsWallet(C1), 300)], 'EGP')).toThrow(
      /unbalanced entry: EGP \+300, PTS -300/,
    );
  });

  it.each<[string, ReturnType<typeof debit>[], RegExp]>([
    ['unbalanced', [debit(Accounts.adjustments, 500), credit(Accounts.wallet(C1), 499)], /unbalanced entry: EGP \+1/],
    ['one line', [debit(Accounts.adjustments, 0)], /2\.\.50 lines, not 1/],
    ['no lines', [], /not 0/],
    ['a zero line', [debit(Accounts.revenue, 0), credit(Accounts.refunds, 0)], /non-zero integer/],
    ['a fraction', [debit(Accounts.revenue, 0.5), credit(Accounts.refunds, 0.5)], /non-zero integer/],
    ['NaN', [debit(Accounts.revenue, NaN), credit(Accounts.refunds, NaN)], /non-zero integer/],
    [
      'too large',
      [debit(Accounts.revenue, MAX_LINE_MINOR + 1), credit(Accounts.refunds, MAX_LINE_MINOR + 1)],
      /within/,
    ],
    ['two lines on one account', [debit(wallet, 5), credit(wallet, 5)], /merge them/],
    [
      'a house account with an owner',
      [debit({ kind: 'revenue', ownerId: C1 } as unknown as AccountRef, 5), credit(Accounts.refunds, 5)],
      /owned kinds name an owner/,
    ],
    [
      'an owned account without one',
      [debit({ kind: 'wallet' } as unknown as AccountRef, 5), credit(Accounts.refunds, 5)],
      /owned kinds name an owner/,
    ],
    [
      'an unknown kind',
      [debit({ kind: 'bank' } as unknown as AccountRef, 5), credit(Accounts.refunds, 5)],
      /unknown account kind/,
    ],
  ])('refuses %s as a programming error', (_, lines, message) => {
    expect(() => checkLines(lines, 'EGP')).toThrow(LedgerInvariantError);
    expect(() => checkLines(lines, 'EGP')).toThrow(message);
  });
});
