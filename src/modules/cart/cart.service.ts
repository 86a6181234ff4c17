import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { isForeignKeyViolation } from '../../db/refusal.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { ProductsService, productNotFound } from '../catalog/index.js';
import { OfferRedemptionsService } from '../offers/index.js';
import { CartPricingService, type PricedCart } from './cart-pricing.service.js';
import { CartErrors } from './cart.errors.js';
import { CartRepository } from './cart.repository.js';

/**
 * A customer's own cart: its lines and coupon. Each change is one transaction (the caller's when given, `tx`
 * last) that first locks the customer's cart row, so concurrent changes of one cart run one after another
 * and the limits checked inside hold; a refused change writes nothing. Each answers the cart priced without
 * a branch (GET /v1/cart prices it for a branch and a fulfilment).
 */
@Injectable()
export class CartService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: CartRepository,
    private readonly products: ProductsService,
    private readonly offers: OfferRedemptionsService,
    private readonly pricing: CartPricingService,
  ) {}

  /** Sets the quantity of a product in the cart (adds the line when new). The product must be on sale. */
  async setItem(customerId: string, productId: string, quantity: number, tx?: DbOrTx): Promise<PricedCart> {
    const { maxQuantity, maxLines } = this.config.cart;
    if (quantity > maxQuantity) throw CartErrors.quantityLimit(maxQuantity);
    // Throws catalog/product-not-found for an unknown or inactive product.
    await this.products.getPublic(productId);
    await this.repo
      .transaction(async (t) => {
        const now = this.clock.now();
        await this.repo.lockOrCreate(customerId, now, t);
        if (
          !(await this.repo.hasItem(customerId, productId, t)) &&
          (await this.repo.lineCount(customerId, t)) >= maxLines
        )
          throw CartErrors.tooManyLines(maxLines);
        await this.repo.upsertItem(customerId, productId, quantity, now, t);
      }, tx)
      .catch((err: unknown) => {
        // The product row went between the check and the write.
        throw isForeignKeyViolation(err, 'cart_items_product_fk') ? productNotFound() : err;
      });
    return this.pricing.price(customerId, {}, tx);
  }

  /**
   * Rx to cart (prescriptions): sets each product's line to the units a prescription line fills and links
   * it to that line, so checkout takes the e-prescription instead of a photo. The products were chosen by
   * the caller (on sale, in stock); the line limit holds as for setItem.
   */
  async setPrescribedItems(
    customerId: string,
    items: readonly { productId: string; quantity: number; rxLineId: string }[],
    tx?: DbOrTx,
  ): Promise<PricedCart> {
    const { maxQuantity, maxLines } = this.config.cart;
    await this.repo.transaction(async (t) => {
      const now = this.clock.now();
      await this.repo.lockOrCreate(customerId, now, t);
      let lines = await this.repo.lineCount(customerId, t);
      for (const item of items) {
        if (item.quantity > maxQuantity) throw CartErrors.quantityLimit(maxQuantity);
        if (!(await this.repo.hasItem(customerId, item.productId, t)) && lines++ >= maxLines)
          throw CartErrors.tooManyLines(maxLines);
        await this.repo.upsertPrescribed(customerId, item, now, t);
      }
    }, tx);
    return this.pricing.price(customerId, {}, tx);
  }

  async removeItem(customerId: string, productId: string, tx?: DbOrTx): Promise<PricedCart> {
    await this.repo.transaction(async (t) => {
      const removed =
        (await this.repo.lock(customerId, this.clock.now(), t)) &&
        (await this.repo.deleteItem(customerId, productId, t));
      if (!removed) throw CartErrors.itemNotFound();
    }, tx);
    return this.pricing.price(customerId, {}, tx);
  }

  /**
   * Keeps a coupon code for checkout once the offers module accepts it (a known code of an offer that is
   * running and not used up, overall or by this customer); otherwise its refusal stands and nothing is kept.
   * Replaces any earlier code: a cart carries one.
   */
  async applyCoupon(customerId: string, code: string, tx?: DbOrTx): Promise<PricedCart> {
    await this.repo.transaction(async (t) => {
      const accepted = await this.offers.checkCoupon(code, customerId, t);
      await this.repo.lockOrCreate(customerId, this.clock.now(), t);
      await this.repo.setCoupon(customerId, accepted.code, t);
    }, tx);
    return this.pricing.price(customerId, {}, tx);
  }

  /** Drops the coupon code; a cart without one is answered as it is. */
  async removeCoupon(customerId: string, tx?: DbOrTx): Promise<PricedCart> {
    await this.repo.transaction(async (t) => {
      if (await this.repo.lock(customerId, this.clock.now(), t)) await this.repo.setCoupon(customerId, null, t);
    }, tx);
    return this.pricing.price(customerId, {}, tx);
  }

  /** Empties the cart (lines and coupon) and answers it. */
  async clear(customerId: string, tx?: DbOrTx): Promise<PricedCart> {
    await this.empty(customerId, tx);
    return this.pricing.price(customerId, {}, tx);
  }

  /**
   * Checkout: holds the customer's cart row until `tx` ends, so one cart becomes one order however many
   * checkouts race for it (the losers find it emptied). False when the customer has no cart.
   */
  async lock(customerId: string, tx: DbOrTx): Promise<boolean> {
    return this.repo.lock(customerId, this.clock.now(), tx);
  }

  /** Empties a cart this transaction holds already (`lock` above): checkout, once the order holds the lines. */
  async emptyHeld(customerId: string, tx: DbOrTx): Promise<void> {
    await this.repo.empty(customerId, tx);
  }

  /** Empties the cart (lines and coupon), answering nothing. */
  async empty(customerId: string, tx?: DbOrTx): Promise<void> {
    await this.repo.transaction(async (t) => {
      if (await this.repo.lock(customerId, this.clock.now(), t)) await this.repo.empty(customerId, t);
    }, tx);
  }
}
