import { describe, expect, it } from 'vitest';
import { cancellationRefund } from './appointments.rules.js';

const H = 3_600_000;
const startsAt = new Date('2030-01-10T10:00:00Z');
const appt = { feeMinor: 30001, startsAt, freeCancelHours: 24, lateCancelFeePercent: 50 };

describe('cancellationRefund', () => {
  it('refunds a patient in full before the free window closes, on its edge too', () => {
    expect(cancellationRefund(appt, 'patient', new Date(startsAt.getTime() - 25 * H))).toEqual({
      refundMinor: 30001,
      keptMinor: 0,
      late: false,
    });
    expect(cancellationRefund(appt, 'patient', new Date(startsAt.getTime() - 24 * H)).late).toBe(false);
  });

  it('keeps the late fee (rounded down) from a patient inside the window', () => {
    expect(cancellationRefund(appt, 'patient', new Date(startsAt.getTime() - 24 * H + 1))).toEqual({
      refundMinor: 15001,
      keptMinor: 15000,
      late: true,
    });
    expect(cancellationRefund({ ...appt, lateCancelFeePercent: 100 }, 'patient', startsAt).refundMinor).toBe(0);
  });

  it('refunds a doctor’s cancellation in full, however late', () => {
    expect(cancellationRefund(appt, 'doctor', startsAt)).toEqual({ refundMinor: 30001, keptMinor: 0, late: false });
  });
});
