import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import type { GeoPoint } from '../branches/index.js';
import { CartPricingService, CartService, type PricedCart } from '../cart/index.js';
import { InventoryService } from '../inventory/index.js';
import { LoyaltyService } from '../loyalty/index.js';
import { OfferRedemptionsService } from '../offers/index.js';
import { CardPaymentsService, LedgerService } from '../payments/index.js';
import { PrescriptionUploadsService, RxFillService, type RxOrderLine } from '../prescriptions/index.js';
import type { CheckoutBody, OrderView } from './orders.dto.js';
import { OrderErrors } from './orders.errors.js';
import { OrderEvents } from './orders.events.js';
import { OrdersRepository } from './orders.repository.js';
import {
  ORDER_HOLD_SECONDS,
  captureLines,
  holdLines,
  initialStatus,
  moneyState,
  orderEntry,
  orderTotals,
  type DeliveryAddress,
  type OrderFulfilment,
} from './orders.rules.js';
import { toView } from './orders.service.js';

/**
 * POST /v1/orders (exported from index.ts): the cart turned into an order in one transaction. The order's
 * later life (steps, reads) is OrdersService.
 */
@Injectable()
export class OrderCheckoutService {
  constructor(
    private readonly repo: OrdersRepository,
    private readonly pricing: CartPricingService,
    private readonly cart: CartService,
    private readonly inventory: InventoryService,
    private readonly offers: OfferRedemptionsService,
    private readonly ledger: LedgerService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    private readonly cardPayments: CardPaymentsService,
    private readonly loyalty: LoyaltyService,
    private readonly uploads: PrescriptionUploadsService,
    private readonly rx: RxFillService,
  ) {}

  /**
   * POST /v1/orders: the cart priced again on the server in the order's transaction, the stock reserved
   * FEFO, the offer's use counted, a wallet payment captured, the order with its lines and first history
   * row written, `order.updated` published and the cart emptied, all in one transaction: any refusal
   * (stock, funds, a limit) leaves nothing behind.
   */
  async checkout(actor: UserActor, body: CheckoutBody, meta?: RequestMeta, tx?: DbOrTx): Promise<OrderView> {
    // A card needs a gateway (CARD_GATEWAY): without one 400 payments/card-unavailable, before anything is written.
    if (body.paymentMethod === 'card') this.cardPayments.assertAvailable('paymentMethod');
    const customerId = actor.userId;
    const point: GeoPoint | undefined = body.address && { lat: body.address.lat, lng: body.address.lng };
    const branchId =
      body.branchId ?? (await this.chooseBranch(customerId, body.fulfilment, point, body.prescriptionIds));
    let intentId: string | undefined;
    const view = await this.repo.transaction(async (t) => {
      // One cart, one order: parallel checkouts of it (other keys, other tabs) wait here and find it empty.
      await this.cart.lock(customerId, t);
      const points = body.pointsToRedeem ?? 0;
      const cart = await this.pricing.price(
        customerId,
        { branchId, fulfilment: body.fulfilment, point, points: points > 0 },
        t,
      );
      assertOrderable(cart, body.prescriptionIds);
      // Photos are linked only when a line needs one; each must be the caller's (else 404, audited).
      const prescriptionIds = cart.needsPrescription
        ? await this.uploads.assertOwned(actor, body.prescriptionIds ?? [], meta, t)
        : [];
      if (body.fulfilment === 'delivery' && cart.withinDeliveryRadius === false)
        throw OrderErrors.outsideDeliveryRadius();
      if (points > cart.pointsCap) throw OrderErrors.pointsUnavailable(cart.pointsCap);

      const id = newId();
      const reservationRef = `order:${id}`;
      const lines = cart.items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
      await this.inventory.reserveNew(branchId, lines, reservationRef, ORDER_HOLD_SECONDS, actor, t);
      if (cart.offer) await this.offers.redeem(cart.offer.id, customerId, id, t);
      // Points before the wallet, as a cancellation gives them back: one lock order for a customer's accounts.
      const spent = await this.loyalty.redeem({ orderId: id, customerId, points }, actor, t);
      const totals = orderTotals({
        subtotalMinor: cart.subtotalMinor,
        discountMinor: cart.discountMinor,
        deliveryFeeMinor: cart.deliveryFeeMinor,
        pointsRedeemed: spent.points,
        pointsValueMinor: spent.valueMinor,
      });
      const status = initialStatus({ paymentMethod: body.paymentMethod, hasRxLines: cart.needsPrescription });
      // An Rx card order writes its intent only once approved: a total the gateway cannot take is refused now,
      // not at the pharmacist's approval (which could then only reject it).
      if (body.paymentMethod === 'card' && status === 'pending_verification')
        this.cardPayments.assertPayable(totals.totalMinor);
      const saved = await this.repo.insert(
        {
          id,
          customerId,
          branchId,
          status,
          fulfilment: body.fulfilment,
          paymentMethod: body.paymentMethod,
          address: (body.address as DeliveryAddress | undefined) ?? null,
          ...totals,
          currency: cart.currency,
          reservationRef,
        },
        cart.items.map((item, i) => ({
          lineNo: i + 1,
          productId: item.productId,
          quantity: item.quantity,
          unitPriceMinor: item.unitPriceMinor,
          discountMinor: item.discountMinor,
          nameEn: item.nameEn,
          nameAr: item.nameAr,
          rxRequired: item.rxRequired,
          // A line filled from an e-prescription (Rx to cart) names its line, not a photo.
          prescriptionId:
            item.rxRequired && !item.prescriptionLineId && prescriptionIds.length === 1 ? prescriptionIds[0] : null,
          rxLineId: item.prescriptionLineId,
        })),
        actor.userId,
        t,
        prescriptionIds,
      );
      await this.rx.fillForOrder(actor, { orderId: id, branchId, lines: rxLinesOf(cart) }, t);
      // A wallet pays now: captured, or held until the pharmacist approves (DOMAIN: verified before captured).
      const money = moneyState(body.paymentMethod, status);
      if (body.paymentMethod === 'wallet' && totals.totalMinor > 0)
        await this.ledger.post(
          money === 'held'
            ? orderEntry(id, 'hold', holdLines(customerId, totals.totalMinor), actor)
            : orderEntry(id, 'capture', captureLines('wallet', customerId, totals.totalMinor), actor),
          t,
        );
      await this.outbox.publish(OrderEvents.updated, { orderId: id, customerId, branchId, from: null, to: status }, t);
      // A card order waits for the gateway: its intent is written with it (a total the gateway cannot take
      // refuses the whole checkout), the hosted checkout page is made after commit.
      if (status === 'pending_payment')
        intentId = (
          await this.cardPayments.createIntent(
            { purpose: 'order', refId: id, customerId, amountMinor: totals.totalMinor },
            t,
          )
        ).id;
      await this.cart.emptyHeld(customerId, t);
      return toView(saved.order, saved.lines, prescriptionIds);
    }, tx);
    if (!intentId) return view;
    // A gateway that does not answer leaves the order pending_payment with its intent `created` (redirectUrl
    // null), never an error: the order exists, and an error would let a retry under the same Idempotency-Key
    // place a second one. The customer asks for the page again (POST /v1/payments/intents/:id/checkout), or
    // the unpaid order expires and its stock is released.
    return { ...view, payment: await this.cardPayments.checkoutPage(intentId, `Order ${view.id}`) };
  }

  /**
   * The nearest active branch (to the delivery point; for a pickup without a point, by name) whose sellable
   * stock covers every line now, within its delivery radius for a delivery: one query over every branch
   * (inventory branchesFilling). The checkout's reservation decides for good: a branch emptied meanwhile
   * answers 409 `inventory/insufficient-stock` then.
   */
  private async chooseBranch(
    customerId: string,
    fulfilment: OrderFulfilment,
    point: GeoPoint | undefined,
    prescriptionIds: readonly string[] | undefined,
  ): Promise<string> {
    const cart = await this.pricing.price(customerId, { fulfilment, point, points: false });
    assertOrderable(cart, prescriptionIds);
    const lines = cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
    const [nearest] = await this.inventory.branchesFilling(lines, point, {
      withinRadius: fulfilment === 'delivery',
      limit: 1,
    });
    if (nearest) return nearest;
    throw OrderErrors.noBranchCanFill();
  }
}

/** There must be a line, every line sold now, and a prescription named when a line needs one. */
function assertOrderable(cart: PricedCart, prescriptionIds?: readonly string[]): void {
  if (cart.items.length === 0) throw OrderErrors.emptyCart();
  const gone = cart.items.filter((i) => i.discontinued).map((i) => i.productId);
  if (gone.length > 0) throw OrderErrors.itemUnavailable(gone);
  // A line linked to an e-prescription line (Rx to cart) needs no photo: prescriptions checks the link.
  const rx = cart.items.filter((i) => i.rxRequired && !i.prescriptionLineId).map((i) => i.productId);
  if (rx.length > 0 && !prescriptionIds?.length) throw OrderErrors.prescriptionRequired(rx);
}

/** The order lines (numbered as inserted) that fill e-prescription lines. */
function rxLinesOf(cart: PricedCart): RxOrderLine[] {
  return cart.items.flatMap((item, i) =>
    item.prescriptionLineId
      ? [
          {
            lineNo: i + 1,
            productId: item.productId,
            quantity: item.quantity,
            prescriptionLineId: item.prescriptionLineId,
          },
        ]
      : [],
  );
}
