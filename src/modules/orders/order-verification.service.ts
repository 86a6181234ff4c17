import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { SYSTEM_ACTOR, canAtBranch, type UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { CardPaymentsService } from '../payments/index.js';
import { PrescriptionUploadsService, RxFillService } from '../prescriptions/index.js';
import type { OrderView, StaffOrderView, VerifyBody } from './orders.dto.js';
import { OrderErrors } from './orders.errors.js';
import { OrdersRepository, type OrderRow } from './orders.repository.js';
import { afterApproval, checkDecisions, type OrderStatus, type PaymentMethod } from './orders.rules.js';
import { OrdersService, toView } from './orders.service.js';

/** How many overdue orders one run of the expiry job takes per state (the next run takes the rest). */
const EXPIRY_BATCH = 100;

/** How many other orders named with the same photos the staff view lists. */
const OTHER_USES = 50;

/** The expiry job found the order moved on since it was listed (verified, paid, cancelled): leave it. */
class MovedOn extends Error {}

/**
 * The pharmacist's side of an order (DOMAIN: an Rx line needs a prescription a pharmacist of that branch
 * verifies before payment is captured and before dispensing; the verifier is recorded), the staff's view of an
 * order with its prescription photos, and the job that expires orders left waiting for a pharmacist or a payment.
 */
@Injectable()
export class OrderVerificationService {
  constructor(
    private readonly repo: OrdersRepository,
    private readonly orders: OrdersService,
    private readonly uploads: PrescriptionUploadsService,
    private readonly rx: RxFillService,
    private readonly audit: AuditService,
    private readonly cardPayments: CardPaymentsService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * POST /v1/admin/orders/:id/verify: a decision for every Rx line, in one transaction with its effects. All
   * approved: the order goes on (a held wallet payment is captured; a card order waits for its payment).
   * Any rejected: the order is cancelled, its stock released and a held payment given back.
   */
  async verify(actor: UserActor, id: string, body: VerifyBody, meta?: RequestMeta): Promise<OrderView> {
    return this.repo.transaction(async (t) => {
      const order = await this.repo.lock(id, t);
      if (!order) throw OrderErrors.notFound();
      if (!canAtBranch(actor, 'prescriptions:verify', order.branchId))
        throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notYourBranch());
      if (order.customerId === actor.userId) throw OrderErrors.selfVerification();
      await this.rx.assertNotPrescriber(actor, id, t);
      if (order.status !== 'pending_verification') throw OrderErrors.notAwaitingVerification(order.status);
      const lines = (await this.repo.linesOf([id], t)).get(id) ?? [];
      const prescriptionIds = (await this.repo.prescriptionsOf([id], t)).get(id) ?? [];
      const errors = checkDecisions(lines, body.lines, prescriptionIds);
      if (errors.length > 0) throw AppError.validation(errors);
      const at = this.clock.now();
      for (const d of body.lines) {
        const line = lines.find((l) => l.lineNo === d.lineNo)!;
        const prescriptionId =
          d.prescriptionId?.toLowerCase() ??
          line.prescriptionId ??
          (prescriptionIds.length === 1 ? prescriptionIds[0]! : null);
        await this.repo.decideLine(
          id,
          d.lineNo,
          {
            verification: d.approved ? 'approved' : 'rejected',
            prescriptionId,
            verifiedBy: actor.userId,
            note: d.note ?? null,
          },
          at,
          t,
        );
      }
      const approved = body.lines.every((d) => d.approved);
      const to: OrderStatus = approved ? afterApproval(order.paymentMethod as PaymentMethod) : 'cancelled';
      const reason = approved ? 'prescriptions verified' : (body.reason ?? 'a prescription was not accepted');
      const moved = await this.orders.advance(actor, order, to, reason, t);
      // A card order is paid only now that its prescriptions are accepted: its intent is written with the
      // step, and the customer's GET /v1/orders/:id carries the page to pay on.
      if (to === 'pending_payment')
        await this.cardPayments.createIntent(
          { purpose: 'order', refId: id, customerId: order.customerId, amountMinor: order.totalMinor },
          t,
        );
      return this.orders.withLines(moved, t);
    });
  }

  /**
   * GET /v1/admin/orders/:id: staff of the order's branch (any branch for an admin). The prescription photos
   * come only to those who verify prescriptions there, and each of those reads is audited.
   */
  async forStaff(actor: UserActor, id: string, meta?: RequestMeta): Promise<StaffOrderView> {
    const order = await this.repo.find(id);
    if (!order) throw OrderErrors.notFound();
    if (!canAtBranch(actor, 'orders:read', order.branchId))
      throw await this.audit.notYours(actor, 'order', id, meta, OrderErrors.notYourBranch());
    const lines = (await this.repo.linesOf([id])).get(id) ?? [];
    const prescriptionIds = (await this.repo.prescriptionsOf([id])).get(id) ?? [];
    const verifier = prescriptionIds.length > 0 && canAtBranch(actor, 'prescriptions:verify', order.branchId);
    const photos = verifier ? await this.uploads.forVerifier(actor, prescriptionIds, { orderId: id }, meta) : [];
    const uses = verifier ? await this.repo.otherUsesOf(id, prescriptionIds, OTHER_USES) : [];
    const eRx =
      lines.some((l) => l.rxLineId) && canAtBranch(actor, 'prescriptions:verify', order.branchId)
        ? await this.rx.forOrder(actor, id, meta)
        : [];
    const view = toView(order, lines, prescriptionIds);
    return {
      ...view,
      customerId: order.customerId,
      lines: view.lines.map((l, i) => ({
        ...l,
        verifiedBy: lines[i]!.verifiedBy,
        verificationNote: lines[i]!.verificationNote,
      })),
      prescriptions: photos,
      ePrescriptions: eRx,
      prescriptionUses: uses.map((u) => ({
        ...u,
        status: u.status as OrderStatus,
        placedAt: u.placedAt.toISOString(),
      })),
    };
  }

  /**
   * The job: orders waiting for a pharmacist longer than ORDER_VERIFICATION_TTL_MINUTES, or for a card
   * payment longer than ORDER_PAYMENT_TTL_MINUTES, expire (stock released, a held payment given back).
   * Each is re-checked under its lock, so an order verified or paid meanwhile is left alone; a second
   * runner expires nothing twice. Returns how many it expired.
   */
  async expireOverdue(): Promise<number> {
    const now = this.clock.now().getTime();
    const { verificationTtlMinutes, paymentTtlMinutes } = this.config.orders;
    let expired = 0;
    for (const [status, minutes] of [
      ['pending_verification', verificationTtlMinutes],
      ['pending_payment', paymentTtlMinutes],
    ] as const) {
      const cutoff = new Date(now - minutes * 60_000);
      for (const id of await this.repo.overdue(status, cutoff, EXPIRY_BATCH)) {
        if (await this.expireOne(id, status, cutoff)) expired++;
      }
    }
    return expired;
  }

  private async expireOne(id: string, status: OrderStatus, cutoff: Date): Promise<boolean> {
    const why = status === 'pending_verification' ? 'not verified in time' : 'not paid in time';
    try {
      await this.repo.transaction(async (t) => {
        const order: OrderRow | undefined = await this.repo.lock(id, t);
        if (!order || order.status !== status || order.updatedAt >= cutoff) throw new MovedOn();
        await this.orders.advance(SYSTEM_ACTOR, order, 'expired', why, t);
      });
      return true;
    } catch (err) {
      if (err instanceof MovedOn) return false;
      throw err;
    }
  }
}
