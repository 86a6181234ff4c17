import type { AppointmentView } from './appointments.dto.js';
import type { AppointmentStatus } from './appointments.machine.js';
import type { AppointmentRow } from './appointments.repository.js';

/** An appointment as every route answers it. */
export const appointmentView = (r: AppointmentRow): AppointmentView => ({
  id: r.id,
  doctorId: r.doctorId,
  patientId: r.patientId,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt.toISOString(),
  type: r.type as AppointmentView['type'],
  status: r.status as AppointmentStatus,
  feeMinor: r.feeMinor,
  currency: r.currency,
  reason: r.reason,
  policy: {
    freeCancelHours: r.freeCancelHours,
    lateCancelFeePercent: r.lateCancelFeePercent,
    rescheduleCap: r.rescheduleCap,
  },
  reschedules: r.reschedules,
  refundedMinor: r.refundedMinor,
  cancelReason: r.cancelReason,
  paymentMethod: r.paymentMethod as AppointmentView['paymentMethod'],
  paymentDueAt: r.paymentDueAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
