export { CartModule } from './cart.module.js';
// For checkout (orders): price the cart in the order's transaction, then empty it there.
export { CartPricingService, type PricedCart, type PricingContext } from './cart-pricing.service.js';
export { CartService } from './cart.service.js';
export type { CartLineView, CartView, Fulfilment } from './cart.dto.js';
export { cartView } from './cart.dto.js';
export { deliveryFee, type DeliveryTerms } from './cart.rules.js';
export { CartMessages } from './cart.errors.js';
