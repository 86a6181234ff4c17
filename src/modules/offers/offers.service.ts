import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type {
  AdminOffersQuery,
  AdminOfferView,
  CreateOfferBody,
  PublicOffersQuery,
  PublicOfferView,
  UpdateOfferBody,
} from './offers.dto.js';
import { OfferErrors, offerWriteError } from './offers.errors.js';
import { OffersRepository, type NewOffer, type OfferRow } from './offers.repository.js';
import { normalizeCoupon, termsIssues } from './offers.rules.js';
import { toAdminOfferView, toPublicOfferView } from './offers.view.js';

const adminCursor = cursorShape(cursorField.id);
const publicCursor = cursorShape(cursorField.instant, cursorField.id);

/**
 * Offers as staff manage them and as customers see them. Redemption is in OfferRedemptionsService. A change
 * runs in the caller's transaction when given one (`tx`, db/transaction.ts), else in its own.
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly repo: OffersRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(
    actor: UserActor,
    body: CreateOfferBody,
    meta: RequestMeta,
    tx?: DbOrTx,
  ): Promise<{ offer: AdminOfferView }> {
    const values: NewOffer = {
      nameEn: body.nameEn,
      nameAr: body.nameAr,
      kind: body.kind,
      value: body.value,
      scope: body.scope,
      productId: body.productId ?? null,
      categoryId: body.categoryId ?? null,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      minCartMinor: body.minCartMinor,
      globalLimit: body.globalLimit ?? null,
      perCustomerLimit: body.perCustomerLimit ?? null,
      couponCode: body.couponCode ? normalizeCoupon(body.couponCode) : null,
      appliesToRestricted: body.appliesToRestricted,
      active: body.active,
    };
    assertConsistent({ ...values, productId: values.productId ?? null, categoryId: values.categoryId ?? null });
    const row = await this.repo
      .transaction(async (tx) => {
        const created = await this.repo.insert(values, tx);
        await this.audit.record(
          {
            actor,
            action: 'offers.created',
            subjectType: 'offer',
            subjectId: created.id,
            meta,
            details: { kind: created.kind, value: created.value, scope: created.scope },
          },
          tx,
        );
        return created;
      }, tx)
      .catch((err: unknown) => {
        throw offerWriteError(err);
      });
    return { offer: toAdminOfferView(row, this.clock.now()) };
  }

  async update(
    actor: UserActor,
    id: string,
    body: UpdateOfferBody,
    meta: RequestMeta,
    tx?: DbOrTx,
  ): Promise<{ offer: AdminOfferView }> {
    const row = await this.repo
      .transaction(async (tx) => {
        const current = await this.repo.lockById(id, tx);
        if (!current) throw OfferErrors.notFound();
        const patch = patchOf(current, body);
        const merged = { ...current, ...patch };
        assertConsistent(merged);
        if (merged.globalLimit !== null && merged.globalLimit < current.usedCount) throw OfferErrors.limitBelowUsage();
        const updated = (await this.repo.update(id, patch, tx))!;
        await this.audit.record(
          {
            actor,
            action: 'offers.updated',
            subjectType: 'offer',
            subjectId: id,
            meta,
            details: { fields: Object.keys(patch) },
          },
          tx,
        );
        return updated;
      }, tx)
      .catch((err: unknown) => {
        throw offerWriteError(err);
      });
    return { offer: toAdminOfferView(row, this.clock.now()) };
  }

  async get(id: string): Promise<{ offer: AdminOfferView }> {
    const row = await this.repo.findById(id);
    if (!row) throw OfferErrors.notFound();
    return { offer: toAdminOfferView(row, this.clock.now()) };
  }

  async listForAdmin(query: AdminOffersQuery): Promise<Page<AdminOfferView>> {
    const after = decodeCursor(query.cursor, adminCursor);
    const now = this.clock.now();
    const rows = await this.repo.listForAdmin(
      {
        status: query.status,
        q: query.q,
        couponCode: query.couponCode ? normalizeCoupon(query.couponCode) : undefined,
        before: after?.[0],
        now,
      },
      query.limit + 1,
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => toAdminOfferView(r, now),
    );
  }

  /**
   * Offers a customer can use now without a code, ending soonest first. Offers with a coupon code are left
   * out entirely: codes are handed out (a campaign, an apology, a partner) and listing their offers would
   * invite guessing; checkout applies them when the customer enters the code.
   */
  async listActive(query: PublicOffersQuery): Promise<Page<PublicOfferView>> {
    const after = decodeCursor(query.cursor, publicCursor);
    const rows = await this.repo.listPublic(
      {
        scope: query.scope,
        productId: query.productId,
        categoryId: query.categoryId,
        after: after ? { endsAt: new Date(after[0]), id: after[1] } : undefined,
        now: this.clock.now(),
      },
      query.limit + 1,
    );
    return toPage(rows, query.limit, (r) => [r.endsAt.toISOString(), r.id], toPublicOfferView);
  }
}

/** The columns a change sets. A new scope drops the target of the old one unless the change names it. */
function patchOf(current: OfferRow, body: UpdateOfferBody): Partial<NewOffer> {
  const patch: Partial<NewOffer> = {};
  const copied = [
    'nameEn',
    'nameAr',
    'kind',
    'value',
    'scope',
    'minCartMinor',
    'appliesToRestricted',
    'active',
    'globalLimit',
    'perCustomerLimit',
    'productId',
    'categoryId',
  ] as const;
  for (const k of copied) if (body[k] !== undefined) Object.assign(patch, { [k]: body[k] });
  if (body.startsAt !== undefined) patch.startsAt = new Date(body.startsAt);
  if (body.endsAt !== undefined) patch.endsAt = new Date(body.endsAt);
  if (body.couponCode !== undefined) patch.couponCode = body.couponCode ? normalizeCoupon(body.couponCode) : null;
  if (body.scope !== undefined && body.scope !== current.scope) {
    if (body.scope !== 'product' && body.productId === undefined) patch.productId = null;
    if (body.scope !== 'category' && body.categoryId === undefined) patch.categoryId = null;
  }
  return patch;
}

function assertConsistent(
  o: Pick<OfferRow, 'kind' | 'value' | 'scope' | 'productId' | 'categoryId' | 'startsAt' | 'endsAt'>,
) {
  const issues = termsIssues(o);
  if (issues.length > 0) throw AppError.validation(issues);
}
