import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Route } from '../../kernel/http/index.js';
import {
  cartQuery,
  cartView,
  couponBody,
  productIdParam,
  setItemBody,
  type CartQuery,
  type CouponBody,
  type SetItemBody,
} from './cart.dto.js';
import { CartPricingService } from './cart-pricing.service.js';
import { CartService } from './cart.service.js';

const SELF_ONLY = 'Always the caller’s own cart (no id names another).';
const PRICED_PLAIN =
  'Answers the cart priced as `GET /v1/cart` prices it without a branch (delivery, flat fee, no stock check).';

@ApiTags('cart')
@Controller('v1/cart')
export class CartController {
  constructor(
    private readonly cart: CartService,
    private readonly pricing: CartPricingService,
  ) {}

  @Can('cart:read')
  @Get()
  @Route({
    operationId: 'getCart',
    summary: 'The signed-in account’s cart, priced now',
    description: `${SELF_ONLY} Prices come from the catalog (a price a client sends is never used); the one best offer applies (offers never stack; Rx-only and controlled lines get none unless the offer allows it), with the cart's coupon when it is the best; the delivery fee follows the configured rules (flat, free from a threshold of the goods after discount, optionally per started km from the branch to \`lat\`/\`lng\`; pickup is free). With \`branchId\` (an active branch, else 404 \`branches/not-found\`) each line says whether that branch's sellable stock covers it. Loyalty: \`pointsBalance\` is what the caller can spend, \`pointsCap\` the most this cart may take (a configured share of the goods after discount that take points: not Rx-only or controlled lines by default), \`pointsRedeemable\` the lesser of the two and \`pointsRedeemableMinor\` its value; \`totalMinor\` is before points, which are chosen at checkout (\`pointsToRedeem\`). Money in minor units of \`currency\`.`,
    auth: { permission: 'cart:read' },
    response: cartView,
    errors: [404],
  })
  get(@Query({ schema: cartQuery }) query: CartQuery, @CurrentActor() actor: UserActor) {
    const point = query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined;
    return this.pricing.price(actor.userId, { branchId: query.branchId, fulfilment: query.fulfilment, point });
  }

  @Can('cart:write')
  @Put('items/:productId')
  @Route({
    operationId: 'setCartItem',
    summary: 'Put a product in the cart with this quantity (or change its quantity)',
    description: `${SELF_ONLY} The quantity replaces the line's (it is not added). An unknown or inactive product answers 404 \`catalog/product-not-found\`; more than CART_MAX_QUANTITY of one product 400 \`cart/quantity-limit\`; a new line past CART_MAX_LINES 409 \`cart/too-many-lines\`. Nothing changes on a refusal. ${PRICED_PLAIN}`,
    auth: { permission: 'cart:write' },
    response: cartView,
    errors: [404, 409],
  })
  setItem(
    @Param('productId', { schema: productIdParam }) productId: string,
    @Body({ schema: setItemBody }) body: SetItemBody,
    @CurrentActor() actor: UserActor,
  ) {
    return this.cart.setItem(actor.userId, productId, body.quantity);
  }

  @Can('cart:write')
  @Delete('items/:productId')
  @Route({
    operationId: 'removeCartItem',
    summary: 'Take a product out of the cart',
    description: `${SELF_ONLY} A product that is not in the cart answers 404 \`cart/item-not-found\`. ${PRICED_PLAIN}`,
    auth: { permission: 'cart:write' },
    response: cartView,
    errors: [404],
  })
  removeItem(@Param('productId', { schema: productIdParam }) productId: string, @CurrentActor() actor: UserActor) {
    return this.cart.removeItem(actor.userId, productId);
  }

  @Can('cart:write')
  @Post('coupon')
  @Route({
    operationId: 'applyCartCoupon',
    summary: 'Enter a coupon code (kept with the cart for checkout)',
    description: `${SELF_ONLY} The code must name an offer that is switched on, running and not used up (400 \`offers/unknown-coupon\`, 409 \`offers/not-active\`, \`offers/limit-reached\` or \`offers/customer-limit-reached\`; nothing is kept then). It replaces an earlier code. Whether it applies to what the cart holds (minimum, products, best offer) is told in \`coupon\` each time the cart is priced. Nothing is redeemed until checkout. ${PRICED_PLAIN}`,
    auth: { permission: 'cart:write' },
    response: cartView,
    errors: [409],
  })
  applyCoupon(@Body({ schema: couponBody }) body: CouponBody, @CurrentActor() actor: UserActor) {
    return this.cart.applyCoupon(actor.userId, body.code);
  }

  @Can('cart:write')
  @Delete('coupon')
  @Route({
    operationId: 'removeCartCoupon',
    summary: 'Drop the coupon code',
    description: `${SELF_ONLY} A cart without a code is answered as it is. ${PRICED_PLAIN}`,
    auth: { permission: 'cart:write' },
    response: cartView,
  })
  removeCoupon(@CurrentActor() actor: UserActor) {
    return this.cart.removeCoupon(actor.userId);
  }

  @Can('cart:write')
  @Delete()
  @Route({
    operationId: 'clearCart',
    summary: 'Empty the cart (every line and the coupon)',
    description: `${SELF_ONLY} An empty cart is answered as it is.`,
    auth: { permission: 'cart:write' },
    response: cartView,
  })
  clear(@CurrentActor() actor: UserActor) {
    return this.cart.clear(actor.userId);
  }
}
