import { defineMachine, type Allow } from '../../kernel/state-machine.js';
import { ORDER_STATUSES, type OrderStatus } from './orders.rules.js';

// Staff act on the orders of their branch (orders:write, branch-scoped: the step names the order's branch);
// an admin holds it for every branch. A customer acts on their own order (the service checks it is theirs).
const STAFF: readonly Allow[] = ['orders:write'];
const CUSTOMER_OR_STAFF: readonly Allow[] = ['customer', 'orders:write'];
const REFUND: readonly Allow[] = ['orders:refund'];

/**
 * An order's lifecycle (DOMAIN: cart, orders and money). The customer may cancel until the branch starts
 * preparing; from then on only staff (or an admin) cancel. Unverified and unpaid orders expire by job.
 * Whether ready → completed / out_for_delivery fits the order's fulfilment is orders.rules.ts
 * assertFitsFulfilment.
 */
export const orderMachine = defineMachine<OrderStatus>({
  name: 'orders.order',
  states: ORDER_STATUSES,
  transitions: [
    { from: 'pending_verification', to: 'pending_payment', allow: ['prescriptions:verify'] },
    { from: 'pending_verification', to: 'confirmed', allow: ['prescriptions:verify'] },
    { from: 'pending_verification', to: 'cancelled', allow: [...CUSTOMER_OR_STAFF, 'prescriptions:verify'] },
    { from: 'pending_verification', to: 'expired', allow: ['system'] },
    { from: 'pending_payment', to: 'confirmed', allow: ['system'] },
    { from: 'pending_payment', to: 'cancelled', allow: CUSTOMER_OR_STAFF },
    { from: 'pending_payment', to: 'expired', allow: ['system'] },
    { from: 'confirmed', to: 'preparing', allow: STAFF },
    { from: 'confirmed', to: 'cancelled', allow: CUSTOMER_OR_STAFF },
    { from: 'preparing', to: 'ready', allow: STAFF },
    { from: 'preparing', to: 'cancelled', allow: STAFF },
    { from: 'ready', to: 'out_for_delivery', allow: STAFF },
    { from: 'ready', to: 'completed', allow: STAFF },
    { from: 'ready', to: 'cancelled', allow: STAFF },
    { from: 'out_for_delivery', to: 'completed', allow: STAFF },
    { from: 'out_for_delivery', to: 'cancelled', allow: STAFF },
    // Money given back after the sale (POST /v1/admin/orders/:id/refunds): in part, then the rest, or all at once.
    { from: 'completed', to: 'partially_refunded', allow: REFUND },
    { from: 'completed', to: 'refunded', allow: REFUND },
    { from: 'partially_refunded', to: 'refunded', allow: REFUND },
  ],
});
