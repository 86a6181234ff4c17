export { OffersModule } from './offers.module.js';
export { OffersService } from './offers.service.js';
export { OfferRedemptionsService, type OfferQuote, type Redemption } from './redemptions.service.js';
export type { CreateOfferBody, UpdateOfferBody, AdminOfferView, PublicOfferView } from './offers.dto.js';
export {
  quoteCart,
  bestOffer,
  evaluateOffer,
  type CartLine,
  type CartContext,
  type CartQuote,
  type OfferTerms,
  type AppliedOffer,
  type IneligibleReason,
} from './offers.rules.js';
export { OffersMessages } from './offers.errors.js';
