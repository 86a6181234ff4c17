import { defineMachine } from '../../kernel/state-machine.js';

export type ReservationStatus = 'active' | 'released' | 'committed';

/**
 * A stock reservation: held at checkout, then sold (committed) or given back (released: abandoned, cancelled,
 * or expired by the job). Both ends are final: released units may already be someone else's, and sold units
 * come back only as a return (a movement of its own), never by reopening the reservation.
 *
 * The module that sells (orders) calls inventory for the person it acts for: a customer abandoning their
 * checkout, staff working an order, or the system (the expiry job, a payment webhook). Whether the order is
 * theirs is that module's check.
 */
export const reservationMachine = defineMachine<ReservationStatus>({
  name: 'inventory.reservation',
  states: ['active', 'released', 'committed'],
  transitions: [
    { from: 'active', to: 'released', allow: ['system', 'customer', 'orders:write'] },
    { from: 'active', to: 'committed', allow: ['system', 'customer', 'orders:write'] },
  ],
});
