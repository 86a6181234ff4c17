import { describe, expect, it } from 'vitest';
import { draftsOf, NOTIFIED_TOPICS } from './notifications.templates.js';
import { KNOWN_KINDS, render } from './notifications.texts.js';

describe('notification texts', () => {
  it('has an English and an Arabic text for every kind an event can make', () => {
    const samples: [string, Record<string, unknown>][] = [
      ...[
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
      ].map(
        (to) =>
          ['order.updated', { customerId: 'c', orderId: 'o', from: 'x', to }] as [string, Record<string, unknown>],
      ),
      ['order.updated', { customerId: 'c', orderId: 'o', from: null, to: 'confirmed' }],
      ['order.refunded', { customerId: 'c', orderId: 'o', amountMinor: 1250 }],
      ['payment.updated', { customerId: 'c', to: 'paid' }],
      ['payment.updated', { customerId: 'c', to: 'failed' }],
      ...['booked', 'cancelled', 'in_progress', 'checked_in', 'completed', 'no_show', 'expired'].map(
        (to) => ['appointment.updated', { patientId: 'p', doctorId: 'd', to }] as [string, Record<string, unknown>],
      ),
      ['appointment.rescheduled', { patientId: 'p', doctorId: 'd' }],
      ['prescription.updated', { patientId: 'p', to: 'issued' }],
      ['prescription.updated', { patientId: 'p', to: 'revoked' }],
      ['prescription.dispensed', { patientId: 'p' }],
      ['ticket.updated', { ticketId: 't', change: 'created', status: 'open', recipientIds: ['s'] }],
      ['ticket.updated', { ticketId: 't', change: 'assigned', status: 'open', recipientIds: ['s'] }],
      ['ticket.updated', { ticketId: 't', change: 'status', to: 'resolved', status: 'resolved', recipientIds: ['c'] }],
      ['ticket.message', { ticketId: 't', fromStaff: true, recipientIds: ['c'] }],
      ['ticket.message', { ticketId: 't', fromStaff: false, recipientIds: ['s'] }],
      ['ticket.note', { ticketId: 't', recipientIds: ['s'] }],
      ...NOTIFIED_TOPICS.filter((t) => t.startsWith('identity.')).map(
        (t) => [t, { userId: 'u' }] as [string, Record<string, unknown>],
      ),
    ];
    const kinds = new Set(samples.flatMap(([topic, p]) => draftsOf(topic, p).map((d) => d.kind)));
    for (const kind of kinds) {
      expect(KNOWN_KINDS, kind).toContain(kind);
      const en = render(kind, 'en', { orderId: '0190a0c8-aaaa-bbbb', amountMinor: 1250 }, 'EGP');
      const ar = render(kind, 'ar', { orderId: '0190a0c8-aaaa-bbbb', amountMinor: 1250 }, 'EGP');
      expect(en.title.length).toBeGreaterThan(0);
      expect(ar.title).not.toEqual(en.title);
      expect(ar.body).not.toEqual(en.body);
    }
    expect(render('order.refund', 'en', { orderId: 'x', amountMinor: 1250 }, 'EGP').body).toContain('12.50');
  });

  it('marks a consultation starting and a password change urgent, order steps not', () => {
    expect(draftsOf('appointment.updated', { patientId: 'p', doctorId: 'd', to: 'in_progress' })[0].urgent).toBe(true);
    expect(draftsOf('identity.password.changed', { userId: 'u' })[0].urgent).toBe(true);
    expect(draftsOf('order.updated', { customerId: 'c', from: 'x', to: 'confirmed' })[0].urgent).toBe(false);
    expect(draftsOf('order.updated', { customerId: 'c', from: 'x', to: 'nonsense' })).toEqual([]);
    expect(draftsOf('something.else', {})).toEqual([]);
  });

  it('tells a ticket’s named recipients only, in the support category', () => {
    const drafts = draftsOf('ticket.message', { ticketId: 't', fromStaff: true, recipientIds: ['c1', 'c2', 3] });
    expect(drafts.map((d) => [d.userId, d.kind, d.category])).toEqual([
      ['c1', 'ticket.reply_from_support', 'support'],
      ['c2', 'ticket.reply_from_support', 'support'],
    ]);
    expect(draftsOf('ticket.note', { ticketId: 't' })).toEqual([]);
  });
});
