import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, buildUserActor, type AccountType, type RoleGrant } from '../../kernel/auth/actor.js';
import { AppError } from '../../kernel/errors/index.js';
import { assertTransition, nextStates } from '../../kernel/state-machine.js';
import { orderMachine } from './orders.machine.js';
import {
  ORDER_STATUSES,
  FINAL_STATUSES,
  assertFitsFulfilment,
  captureKey,
  captureLines,
  afterApproval,
  checkDecisions,
  holdCaptureLines,
  holdLines,
  holdReleaseLines,
  initialStatus,
  moneyState,
  orderTotals,
  refundKey,
  walletRefundLines,
  type OrderStatus,
} from './orders.rules.js';

const B1 = '0190a0c8-0000-7000-8000-0000000000b1';
const B2 = '0190a0c8-0000-7000-8000-0000000000b2';
const C1 = '0190a0c8-0000-7000-8000-0000000000c1';
const user = (accountType: AccountType, roles: RoleGrant[] = []) =>
  buildUserActor({ userId: 'u1', sessionId: 's1', accountType, roles });
const customer = user('customer');
const admin = user('staff', [{ role: 'admin', branchId: null }]);
const managerAtB1 = user('staff', [{ role: 'branch_manager', branchId: B1 }]);
const pharmacistAtB1 = user('staff', [{ role: 'pharmacist', branchId: B1 }]);
const supportAgent = user('staff', [{ role: 'support_agent', branchId: null }]);

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'allowed';
};

describe('initialStatus', () => {
  it('starts COD and wallet orders without Rx lines confirmed, card pending payment, Rx pending verification', () => {
    expect(initialStatus({ paymentMethod: 'cod', hasRxLines: false })).toBe('confirmed');
    expect(initialStatus({ paymentMethod: 'wallet', hasRxLines: false })).toBe('confirmed');
    expect(initialStatus({ paymentMethod: 'card', hasRxLines: false })).toBe('pending_payment');
    for (const paymentMethod of ['cod', 'wallet', 'card'] as const)
      expect(initialStatus({ paymentMethod, hasRxLines: true })).toBe('pending_verification');
  });
});

describe('orderTotals', () => {
  it('is subtotal − discount + delivery − the points’ value', () => {
    expect(
      orderTotals({
        subtotalMinor: 10_000,
        discountMinor: 1_500,
        deliveryFeeMinor: 2_500,
        pointsRedeemed: 50,
        pointsValueMinor: 500,
      }),
    ).toEqual({
      subtotalMinor: 10_000,
      discountMinor: 1_500,
      deliveryFeeMinor: 2_500,
      pointsRedeemed: 50,
      pointsValueMinor: 500,
      totalMinor: 10_500,
    });
    const none = { subtotalMinor: 0, discountMinor: 0, deliveryFeeMinor: 0, pointsRedeemed: 0, pointsValueMinor: 0 };
    expect(orderTotals(none).totalMinor).toBe(0);
  });

  it('refuses negative or fractional parts, a discount above the goods and points above what is left', () => {
    const base = {
      subtotalMinor: 1_000,
      discountMinor: 0,
      deliveryFeeMinor: 0,
      pointsRedeemed: 0,
      pointsValueMinor: 0,
    };
    expect(() => orderTotals({ ...base, discountMinor: -1 })).toThrow(RangeError);
    expect(() => orderTotals({ ...base, subtotalMinor: 10.5 })).toThrow(RangeError);
    expect(() => orderTotals({ ...base, discountMinor: 1_001 })).toThrow(RangeError);
    expect(() => orderTotals({ ...base, deliveryFeeMinor: 100, pointsRedeemed: 1, pointsValueMinor: 1_101 })).toThrow(
      RangeError,
    );
    expect(
      orderTotals({ ...base, deliveryFeeMinor: 100, pointsRedeemed: 110, pointsValueMinor: 1_100 }).totalMinor,
    ).toBe(0);
  });

  it('refuses points without their value, or a value without points', () => {
    const base = {
      subtotalMinor: 1_000,
      discountMinor: 0,
      deliveryFeeMinor: 0,
      pointsRedeemed: 0,
      pointsValueMinor: 0,
    };
    expect(() => orderTotals({ ...base, pointsRedeemed: 5 })).toThrow(RangeError);
    expect(() => orderTotals({ ...base, pointsValueMinor: 5 })).toThrow(RangeError);
  });
});

describe('ledger entries', () => {
  const sum = (lines: { amountMinor: number }[]) => lines.reduce((s, l) => s + l.amountMinor, 0);

  it('a wallet capture debits the wallet and credits revenue; COD debits cash clearing; each balances', () => {
    expect(captureLines('wallet', C1, 700)).toEqual([
      { account: { kind: 'wallet', ownerId: C1 }, amountMinor: 700 },
      { account: { kind: 'revenue' }, amountMinor: -700 },
    ]);
    expect(captureLines('cod', C1, 700)).toEqual([
      { account: { kind: 'cash_clearing' }, amountMinor: 700 },
      { account: { kind: 'revenue' }, amountMinor: -700 },
    ]);
    for (const m of ['wallet', 'cod'] as const) expect(sum(captureLines(m, C1, 700))).toBe(0);
  });

  it('a wallet refund debits revenue and credits the wallet, under its own key', () => {
    expect(walletRefundLines(C1, 700)).toEqual([
      { account: { kind: 'revenue' }, amountMinor: 700 },
      { account: { kind: 'wallet', ownerId: C1 }, amountMinor: -700 },
    ]);
    expect(captureKey('o1')).toBe('order:o1:capture');
    expect(refundKey('o1')).toBe('order:o1:refund');
  });
});

describe('money of an order by state', () => {
  it('holds a wallet payment while a pharmacist verifies, captures it after, and takes nothing for cash', () => {
    expect(moneyState('wallet', 'pending_verification')).toBe('held');
    expect(moneyState('wallet', 'confirmed')).toBe('captured');
    expect(moneyState('card', 'pending_verification')).toBe('none');
    expect(moneyState('card', 'pending_payment')).toBe('none');
    expect(moneyState('card', 'preparing')).toBe('captured');
    expect(moneyState('wallet', 'cancelled')).toBe('none');
    expect(moneyState('wallet', 'expired')).toBe('none');
    for (const s of ORDER_STATUSES) expect(moneyState('cod', s)).toBe('none');
    expect(afterApproval('card')).toBe('pending_payment');
    expect(afterApproval('wallet')).toBe('confirmed');
    expect(afterApproval('cod')).toBe('confirmed');
  });

  it('moves a hold wallet → holds → revenue, or back to the wallet, each entry balanced', () => {
    const sum = (lines: { amountMinor: number }[]) => lines.reduce((a, l) => a + l.amountMinor, 0);
    expect(holdLines(C1, 900)).toEqual([
      { account: { kind: 'wallet', ownerId: C1 }, amountMinor: 900 },
      { account: { kind: 'payment_holds' }, amountMinor: -900 },
    ]);
    expect(holdCaptureLines(900)).toEqual([
      { account: { kind: 'payment_holds' }, amountMinor: 900 },
      { account: { kind: 'revenue' }, amountMinor: -900 },
    ]);
    expect(holdReleaseLines(C1, 900)[1]).toEqual({ account: { kind: 'wallet', ownerId: C1 }, amountMinor: -900 });
    for (const l of [holdLines(C1, 5), holdCaptureLines(5), holdReleaseLines(C1, 5)]) expect(sum(l)).toBe(0);
  });
});

describe('checkDecisions', () => {
  const P1 = '0190a0c8-0000-7000-8000-0000000000e1';
  const P2 = '0190a0c8-0000-7000-8000-0000000000e2';
  const lines = [
    { lineNo: 1, rxRequired: true, prescriptionId: null },
    { lineNo: 2, rxRequired: false, prescriptionId: null },
    { lineNo: 3, rxRequired: true, prescriptionId: null },
  ];
  const fields = (errs: { field: string }[]) => errs.map((e) => e.field);

  it('accepts one decision per Rx line, naming the prescription when the order has one', () => {
    expect(
      checkDecisions(
        lines,
        [
          { lineNo: 1, approved: true },
          { lineNo: 3, approved: false },
        ],
        [P1],
      ),
    ).toEqual([]);
    expect(
      checkDecisions(
        lines,
        [
          { lineNo: 1, approved: true, prescriptionId: P1 },
          { lineNo: 3, approved: true, prescriptionId: P2.toUpperCase() },
        ],
        [P1, P2],
      ),
    ).toEqual([]);
  });

  it('refuses missing, repeated and non-Rx lines, foreign prescriptions, and an unnamed one among several', () => {
    expect(fields(checkDecisions(lines, [{ lineNo: 1, approved: true }], [P1]))).toEqual(['lines']);
    expect(
      fields(
        checkDecisions(
          lines,
          [
            { lineNo: 1, approved: true },
            { lineNo: 1, approved: false },
            { lineNo: 3, approved: true },
          ],
          [P1],
        ),
      ),
    ).toEqual(['lines.1.lineNo']);
    expect(
      fields(
        checkDecisions(
          lines,
          [
            { lineNo: 2, approved: true },
            { lineNo: 9, approved: true },
            { lineNo: 1, approved: true },
            { lineNo: 3, approved: true },
          ],
          [P1],
        ),
      ),
    ).toEqual(['lines.0.lineNo', 'lines.1.lineNo']);
    expect(
      fields(
        checkDecisions(
          lines,
          [
            { lineNo: 1, approved: true, prescriptionId: P2 },
            { lineNo: 3, approved: false },
          ],
          [P1],
        ),
      ),
    ).toEqual(['lines.0.prescriptionId']);
    expect(
      fields(
        checkDecisions(
          lines,
          [
            { lineNo: 1, approved: true },
            { lineNo: 3, approved: false },
          ],
          [P1, P2],
        ),
      ),
    ).toEqual(['lines.0.prescriptionId']);
  });
});

describe('orderMachine', () => {
  it('lets no one leave a final state', () => {
    for (const from of FINAL_STATUSES)
      for (const actor of [SYSTEM_ACTOR, admin, customer])
        expect(nextStates(orderMachine, from, actor, B1)).toEqual([]);
  });

  it('lets a customer cancel only before the branch starts preparing, and nothing else', () => {
    const mayCancel: OrderStatus[] = ['pending_verification', 'pending_payment', 'confirmed'];
    for (const from of ORDER_STATUSES)
      expect(nextStates(orderMachine, from, customer)).toEqual(mayCancel.includes(from) ? ['cancelled'] : []);
    expect(codeOf(() => assertTransition(orderMachine, 'preparing', 'cancelled', customer))).toBe('auth/forbidden');
    expect(codeOf(() => assertTransition(orderMachine, 'confirmed', 'preparing', customer))).toBe('auth/forbidden');
  });

  it('lets staff of the order branch work it forward and cancel it; staff of another branch may not', () => {
    const path: [OrderStatus, OrderStatus][] = [
      ['confirmed', 'preparing'],
      ['preparing', 'ready'],
      ['ready', 'out_for_delivery'],
      ['out_for_delivery', 'completed'],
      ['ready', 'completed'],
      ['preparing', 'cancelled'],
      ['out_for_delivery', 'cancelled'],
    ];
    for (const [from, to] of path) {
      expect(codeOf(() => assertTransition(orderMachine, from, to, managerAtB1, B1))).toBe('allowed');
      expect(codeOf(() => assertTransition(orderMachine, from, to, pharmacistAtB1, B1))).toBe('allowed');
      expect(codeOf(() => assertTransition(orderMachine, from, to, admin, B2))).toBe('allowed');
      expect(codeOf(() => assertTransition(orderMachine, from, to, managerAtB1, B2))).toBe('auth/forbidden');
      expect(codeOf(() => assertTransition(orderMachine, from, to, supportAgent, B1))).toBe('auth/forbidden');
    }
  });

  it('refuses steps the table does not have, skipping or going back', () => {
    for (const [from, to] of [
      ['confirmed', 'ready'],
      ['confirmed', 'completed'],
      ['ready', 'preparing'],
      ['completed', 'cancelled'],
      ['cancelled', 'confirmed'],
    ] as [OrderStatus, OrderStatus][])
      expect(codeOf(() => assertTransition(orderMachine, from, to, admin, B1))).toBe('common/illegal-transition');
  });

  it('leaves expiry and payment confirmation to the system', () => {
    expect(nextStates(orderMachine, 'pending_payment', SYSTEM_ACTOR)).toEqual(['confirmed', 'expired']);
    expect(codeOf(() => assertTransition(orderMachine, 'pending_payment', 'expired', admin, B1))).toBe(
      'auth/forbidden',
    );
    expect(codeOf(() => assertTransition(orderMachine, 'pending_payment', 'confirmed', admin, B1))).toBe(
      'auth/forbidden',
    );
  });
});

describe('assertFitsFulfilment', () => {
  it('sends only deliveries out, completes deliveries at the door and pickups at the counter', () => {
    expect(codeOf(() => assertFitsFulfilment('pickup', 'ready', 'out_for_delivery'))).toBe('common/illegal-transition');
    expect(codeOf(() => assertFitsFulfilment('delivery', 'ready', 'completed'))).toBe('common/illegal-transition');
    expect(codeOf(() => assertFitsFulfilment('delivery', 'ready', 'out_for_delivery'))).toBe('allowed');
    expect(codeOf(() => assertFitsFulfilment('delivery', 'out_for_delivery', 'completed'))).toBe('allowed');
    expect(codeOf(() => assertFitsFulfilment('pickup', 'ready', 'completed'))).toBe('allowed');
    expect(codeOf(() => assertFitsFulfilment('pickup', 'preparing', 'cancelled'))).toBe('allowed');
  });
});
