import type { Category } from './notifications.rules.js';

/**
 * What each outbox event a person cares about becomes: who is told, of what kind, in which category, and
 * whether it is urgent (sent through quiet hours). Topics are named as strings: notifications reacts to
 * other modules' events and imports nothing of theirs (rule 1).
 */
export interface Draft {
  userId: string;
  kind: string;
  category: Category;
  urgent: boolean;
  data: Record<string, string | number>;
}

type P = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const ORDER_STATUSES = new Set([
  'pending_verification',
  'pending_payment',
  'confirmed',
  'preparing',
  'ready_for_pickup',
  'out_for_delivery',
  'completed',
  'cancelled',
  'expired',
  'refunded',
  'partially_refunded',
]);

/** The drafts of one event (none for an event or a step nobody needs to hear about). */
export function draftsOf(topic: string, p: P): Draft[] {
  switch (topic) {
    case 'order.updated': {
      const to = str(p.to);
      if (!ORDER_STATUSES.has(to) || !str(p.customerId)) return [];
      const kind = p.from === null || p.from === undefined ? 'order.placed' : `order.${to}`;
      return [
        {
          userId: str(p.customerId),
          kind,
          category: 'orders',
          urgent: false,
          data: { orderId: str(p.orderId), status: to },
        },
      ];
    }
    case 'order.refunded':
      return [
        {
          userId: str(p.customerId),
          kind: 'order.refund',
          category: 'payments',
          urgent: false,
          data: { orderId: str(p.orderId), amountMinor: num(p.amountMinor) },
        },
      ];
    case 'payment.updated': {
      const to = str(p.to);
      if (to !== 'paid' && to !== 'failed') return [];
      return [
        {
          userId: str(p.customerId),
          kind: `payment.${to}`,
          category: 'payments',
          urgent: false,
          data: { intentId: str(p.intentId), purpose: str(p.purpose), refId: str(p.refId) },
        },
      ];
    }
    case 'appointment.updated':
      return appointmentDrafts(p);
    case 'appointment.rescheduled': {
      const data = { appointmentId: str(p.appointmentId), startsAt: str(p.to) };
      return [
        { userId: str(p.patientId), kind: 'appointment.rescheduled', category: 'appointments', urgent: false, data },
        { userId: str(p.doctorId), kind: 'appointment.rescheduled', category: 'appointments', urgent: false, data },
      ];
    }
    case 'prescription.updated': {
      const to = str(p.to);
      if (to !== 'issued' && to !== 'revoked') return [];
      return [
        {
          userId: str(p.patientId),
          kind: `prescription.${to}`,
          category: 'prescriptions',
          urgent: false,
          data: { prescriptionId: str(p.prescriptionId) },
        },
      ];
    }
    case 'prescription.dispensed':
      return [
        {
          userId: str(p.patientId),
          kind: 'prescription.dispensed',
          category: 'prescriptions',
          urgent: false,
          data: { prescriptionId: str(p.prescriptionId), orderId: str(p.orderId) },
        },
      ];
    case 'ticket.updated':
    case 'ticket.message':
    case 'ticket.note':
      return ticketDrafts(topic, p);
    case 'identity.user.registered':
      return [account(p, 'account.welcome', false)];
    case 'identity.doctor.approved':
      return [account(p, 'account.doctor_approved', false)];
    // A password change someone else made must reach the owner at once, night or not.
    case 'identity.password.changed':
      return [account(p, 'account.password_changed', true)];
    case 'identity.user.suspended':
      return [account(p, 'account.suspended', false)];
    case 'identity.user.reactivated':
      return [account(p, 'account.reactivated', false)];
    default:
      return [];
  }
}

export const NOTIFIED_TOPICS = [
  'order.updated',
  'order.refunded',
  'payment.updated',
  'appointment.updated',
  'appointment.rescheduled',
  'prescription.updated',
  'prescription.dispensed',
  'ticket.updated',
  'ticket.message',
  'ticket.note',
  'identity.user.registered',
  'identity.doctor.approved',
  'identity.password.changed',
  'identity.user.suspended',
  'identity.user.reactivated',
] as const;

const account = (p: P, kind: string, urgent: boolean): Draft => ({
  userId: str(p.userId),
  kind,
  category: 'account',
  urgent,
  data: {},
});

function appointmentDrafts(p: P): Draft[] {
  const data = { appointmentId: str(p.appointmentId), status: str(p.to) };
  const patient = (kind: string, urgent = false): Draft => ({
    userId: str(p.patientId),
    kind,
    category: 'appointments',
    urgent,
    data,
  });
  const doctor = (kind: string, urgent = false): Draft => ({ ...patient(kind, urgent), userId: str(p.doctorId) });
  switch (str(p.to)) {
    case 'booked':
      return [patient('appointment.booked'), doctor('appointment.new_booking')];
    case 'cancelled':
      return [patient('appointment.cancelled'), doctor('appointment.cancelled')];
    // The doctor opened the room: the patient must come now (urgent, through quiet hours).
    case 'in_progress':
      return [patient('appointment.starting', true)];
    case 'checked_in':
      return [doctor('appointment.patient_waiting', true)];
    case 'completed':
      return [patient('appointment.completed')];
    case 'no_show':
      return [patient('appointment.no_show')];
    case 'expired':
      return [patient('appointment.expired')];
    default:
      return [];
  }
}

/** Support names its recipients (`recipientIds`): the customer never among those of an internal note. */
function ticketDrafts(topic: string, p: P): Draft[] {
  const recipients = Array.isArray(p.recipientIds) ? p.recipientIds.filter((r) => typeof r === 'string') : [];
  let kind: string;
  if (topic === 'ticket.message')
    kind = p.fromStaff === true ? 'ticket.reply_from_support' : 'ticket.reply_from_customer';
  else if (topic === 'ticket.note') kind = 'ticket.note';
  else if (p.change === 'created') kind = 'ticket.created';
  else if (p.change === 'assigned') kind = 'ticket.assigned';
  else kind = 'ticket.status';
  const data = { ticketId: str(p.ticketId), ...(str(p.status ?? p.to) ? { status: str(p.status ?? p.to) } : {}) };
  return recipients.map((userId) => ({ userId, kind, category: 'support' as const, urgent: false, data }));
}
