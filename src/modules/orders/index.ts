export { OrdersModule } from './orders.module.js';
export { OrdersService } from './orders.service.js';
export { OrderCheckoutService } from './order-checkout.service.js';
export type { OrderView } from './orders.dto.js';
export { orderMachine } from './orders.machine.js';
export { ORDER_STATUSES, type OrderStatus } from './orders.rules.js';
export { OrderEvents } from './orders.events.js';
export { OrdersMessages } from './orders.errors.js';
