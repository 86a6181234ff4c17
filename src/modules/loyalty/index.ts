export { LoyaltyModule } from './loyalty.module.js';
// For orders and cart: spend at checkout, earn on completion, give back on cancellation, reverse on refund.
export { LoyaltyService, type Redeemable, type RefundPoints } from './loyalty.service.js';
export { LoyaltyKeys, type LoyaltyTerms, type PointsLine } from './loyalty.rules.js';
export type { LoyaltyView } from './loyalty.dto.js';
export { LoyaltyMessages } from './loyalty.errors.js';
