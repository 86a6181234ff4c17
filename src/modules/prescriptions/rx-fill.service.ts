import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { Actor, UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { OutboxService } from '../../kernel/events/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { CartService } from '../cart/index.js';
import { ProductsService, ingredientsKeyOf, type PricingProduct } from '../catalog/index.js';
import { InventoryService } from '../inventory/index.js';
import type { PrescriptionView, RxCartResult, RxToCartBody } from './e-prescriptions.dto.js';
import { EPrescriptionAccess } from './e-prescription-access.js';
import {
  EPrescriptionsRepository,
  type PrescriptionLineRow,
  type PrescriptionRow,
} from './e-prescriptions.repository.js';
import { nextFillAt, nextFillUnits, publicStatus, remainingOf } from './e-prescriptions.rules.js';
import { EPrescriptionsService } from './e-prescriptions.service.js';
import { PrescriptionErrors } from './prescriptions.errors.js';
import { PrescriptionEvents } from './prescriptions.events.js';

const SUBSTITUTE_REASON = 'generic substitute: same ingredients, strength and form';

/** An order line checkout fills against a prescription line. */
export interface RxOrderLine {
  lineNo: number;
  productId: string;
  quantity: number;
  prescriptionLineId: string;
}

/**
 * Filling e-prescriptions (exported from index.ts): the patient's Rx to cart, checkout's check of the
 * lines it fills (in the order's transaction), the dispense when the order completes (in the completion's
 * transaction: dispensed never exceeds quantity × (1 + refills), by a conditional update and a CHECK), and
 * the prescriptions an order was filled against for its pharmacist.
 */
@Injectable()
export class RxFillService {
  constructor(
    private readonly repo: EPrescriptionsRepository,
    private readonly prescriptions: EPrescriptionsService,
    private readonly access: EPrescriptionAccess,
    private readonly cart: CartService,
    private readonly products: ProductsService,
    private readonly inventory: InventoryService,
    private readonly audit: AuditService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * POST /v1/prescriptions/:id/cart: each line that may be filled now goes to the patient's cart, linked to
   * the line: the prescribed product, or (substitution allowed, or a generic line) the cheapest equivalent
   * in stock at the branch. Lines fully dispensed are left out; a line filled too recently refuses all.
   */
  async toCart(actor: UserActor, id: string, body: RxToCartBody, meta?: RequestMeta): Promise<RxCartResult> {
    const row = await this.repo.find(id);
    if (!row) throw PrescriptionErrors.notFound();
    if (row.patientId !== actor.userId)
      throw await this.audit.notYours(actor, 'prescription', id, meta, PrescriptionErrors.notFound());
    const now = this.clock.now();
    assertFillable(row, now);
    const lines = ((await this.repo.linesOf([id])).get(id) ?? []).filter((l) => remainingOf(l) > 0);
    if (lines.length === 0) throw PrescriptionErrors.nothingLeft();
    for (const l of lines) this.assertNotEarly(l, now);
    const filled: RxCartResult['filled'] = [];
    const missing: number[] = [];
    for (const l of lines) {
      const units = nextFillUnits(l);
      const candidates = await this.candidatesFor(l);
      const stock = body.branchId
        ? await this.inventory.sellableAt(
            body.branchId,
            candidates.map((c) => c.id),
          )
        : undefined;
      const pick = candidates.find((c) => !stock || (stock.get(c.id) ?? 0) >= units);
      if (!pick) {
        missing.push(l.lineNo);
        continue;
      }
      const substituted = l.productId !== null && pick.id !== l.productId;
      filled.push({
        lineNo: l.lineNo,
        productId: pick.id,
        quantity: units,
        substituted,
        substitutionReason: substituted ? `${SUBSTITUTE_REASON} (prescribed product not available)` : null,
      });
    }
    if (missing.length > 0) throw PrescriptionErrors.noStock(missing);
    const cart = await this.cart.setPrescribedItems(
      actor.userId,
      filled.map((f) => ({
        productId: f.productId,
        quantity: f.quantity,
        rxLineId: lines.find((l) => l.lineNo === f.lineNo)!.id,
      })),
    );
    return { filled, cart };
  }

  /** The prescribed product first (when on sale), then, where allowed, its equivalents cheapest first. */
  private async candidatesFor(l: PrescriptionLineRow): Promise<PricingProduct[]> {
    const prescribed = l.productId ? (await this.products.forPricing([l.productId])).filter((p) => p.active) : [];
    if (l.productId && !l.substitutionAllowed) return prescribed;
    const equivalents = await this.products.equivalents(l.ingredientsKey, l.form);
    return [...prescribed, ...equivalents.filter((p) => p.id !== l.productId)];
  }

  private assertNotEarly(l: PrescriptionLineRow, now: Date): void {
    const next = nextFillAt(l, this.config.prescriptions.refillAfterPercent);
    if (next && next.getTime() > now.getTime()) throw PrescriptionErrors.earlyRefill(next.toISOString());
  }

  /**
   * Checkout, in the order's transaction: every line linked to a prescription line must be the patient's,
   * of a valid prescription, of the prescribed product or an allowed equivalent, within what is left and not
   * early; the fills are recorded (the branch's pharmacist may then read the prescription). The lines are
   * locked, so two checkouts of one line run one after the other.
   */
  async fillForOrder(
    actor: UserActor,
    order: { orderId: string; branchId: string; lines: readonly RxOrderLine[] },
    tx: DbOrTx,
  ): Promise<void> {
    if (order.lines.length === 0) return;
    const found = await this.repo.linesById([...new Set(order.lines.map((l) => l.prescriptionLineId))], tx, true);
    const byId = new Map(found.map((f) => [f.line.id, f]));
    const now = this.clock.now();
    const products = new Map(
      (
        await this.products.forPricing(
          order.lines.map((l) => l.productId),
          tx,
        )
      ).map((p) => [p.id, p]),
    );
    const wrong: string[] = [];
    const fills = [];
    // Units each prescription line gives in this order: at most one fill (a refill waits for its time).
    const taken = new Map<string, number>();
    for (const ol of order.lines) {
      const hit = byId.get(ol.prescriptionLineId);
      if (!hit || hit.prescription.patientId !== actor.userId) {
        wrong.push(ol.productId);
        continue;
      }
      assertFillable(hit.prescription, now);
      // One fill at a time (a cart line's quantity is the customer's to change, its link stays).
      const units = (taken.get(hit.line.id) ?? 0) + ol.quantity;
      if (units > nextFillUnits(hit.line)) throw PrescriptionErrors.overDispensed();
      taken.set(hit.line.id, units);
      this.assertNotEarly(hit.line, now);
      const same = hit.line.productId === ol.productId;
      if (!same && !(await this.isEquivalent(hit.line, ol.productId, products.get(ol.productId)))) {
        wrong.push(ol.productId);
        continue;
      }
      fills.push({
        orderId: order.orderId,
        orderLineNo: ol.lineNo,
        lineId: hit.line.id,
        prescriptionId: hit.prescription.id,
        branchId: order.branchId,
        productId: ol.productId,
        quantity: ol.quantity,
        substitutionReason: same || hit.line.productId === null ? null : SUBSTITUTE_REASON,
      });
    }
    if (wrong.length > 0) throw PrescriptionErrors.lineMismatch(wrong);
    await this.repo.insertFills(fills, tx);
  }

  private async isEquivalent(
    line: PrescriptionLineRow,
    productId: string,
    product: PricingProduct | undefined,
  ): Promise<boolean> {
    if (!product?.active || (line.productId !== null && !line.substitutionAllowed)) return false;
    const view = await this.products.getPublic(productId);
    return (
      ingredientsKeyOf(view.ingredients) === line.ingredientsKey && view.form.toLowerCase() === line.form.toLowerCase()
    );
  }

  /**
   * The pharmacist's verification (orders, in its transaction): the verifier is never the prescriber (DOMAIN),
   * so a doctor who also works as a pharmacist cannot approve a fill of their own prescription.
   */
  async assertNotPrescriber(actor: UserActor, orderId: string, tx?: DbOrTx): Promise<void> {
    if (await this.repo.prescribedBy(orderId, actor.userId, tx)) throw PrescriptionErrors.verifierIsPrescriber();
  }

  /**
   * The order completed (orders' completion step, in its transaction): each fill is dispensed against its
   * line. A fill that would take a line past quantity × (1 + refills) refuses the completion (409
   * `prescriptions/over-dispensed`; of two orders racing for the last units, one completes), as does one a
   * dispense of another order made early (409 `prescriptions/early-refill`), nor is a
   * prescription revoked since checkout (409 `prescriptions/revoked`). Once per order.
   */
  async dispenseForOrder(orderId: string, actor: Actor, tx: DbOrTx): Promise<void> {
    const fills = await this.repo.fillsOfOrder(orderId, tx);
    if (fills.length === 0 || (await this.repo.dispensedForOrder(orderId, tx)) > 0) return;
    const ids = [...new Set(fills.map((f) => f.prescriptionId))];
    const rows = await Promise.all(ids.map((id) => this.repo.find(id, tx)));
    // A prescription revoked after checkout is not handed over (staff cancel the order); one that expired after
    // its fill was accepted still is: the fill was checked while it was valid.
    if (rows.some((p) => p?.status === 'revoked')) throw PrescriptionErrors.revoked();
    const at = this.clock.now();
    // The lines locked at once, in one order (by line id): two completions sharing a line run one after the
    // other, and neither deadlocks. A line dispensed by another order since this one's checkout makes this
    // fill an early refill (checkout saw no fill yet): refused like one past what is left.
    const locked = new Map(
      (await this.repo.linesById([...new Set(fills.map((f) => f.lineId))], tx, true)).map((r) => [r.line.id, r.line]),
    );
    for (const fill of fills) {
      const line = locked.get(fill.lineId)!;
      if (fill.quantity > remainingOf(line)) throw PrescriptionErrors.overDispensed();
      this.assertNotEarly(line, at);
    }
    for (const fill of [...fills].sort((a, b) => a.lineId.localeCompare(b.lineId))) {
      const ok = await this.repo.dispense(fill, actor.kind === 'user' ? actor.userId : null, at, tx);
      if (!ok) throw PrescriptionErrors.overDispensed();
    }
    const byPrescription = new Map<string, typeof fills>();
    for (const f of fills) byPrescription.set(f.prescriptionId, [...(byPrescription.get(f.prescriptionId) ?? []), f]);
    for (const p of rows)
      if (p)
        await this.outbox.publish(
          PrescriptionEvents.dispensed,
          {
            prescriptionId: p.id,
            patientId: p.patientId,
            orderId,
            lines: byPrescription.get(p.id)!.map((f) => ({ lineId: f.lineId, quantity: f.quantity })),
          },
          tx,
        );
  }

  /**
   * GET /v1/admin/orders/:id for the branch's pharmacist (orders decided this reader may see them): the
   * e-prescriptions the order was filled against, each read audited with the order as its purpose.
   */
  async forOrder(actor: UserActor, orderId: string, meta?: RequestMeta): Promise<PrescriptionView[]> {
    const fills = await this.repo.fillsOfOrder(orderId);
    const ids = [...new Set(fills.map((f) => f.prescriptionId))].sort();
    const out: PrescriptionView[] = [];
    const lines = await this.repo.linesOf(ids);
    for (const id of ids) {
      const row = await this.repo.find(id);
      if (!row) continue;
      await this.access.healthRead(actor, id, 'order verification', { orderId }, meta);
      out.push(this.prescriptions.view(row, lines.get(id) ?? []));
    }
    return out;
  }
}

function assertFillable(row: PrescriptionRow, now: Date): void {
  const state = publicStatus(row, now);
  if (state === 'revoked') throw PrescriptionErrors.revoked();
  if (state === 'expired') throw PrescriptionErrors.expired();
}
