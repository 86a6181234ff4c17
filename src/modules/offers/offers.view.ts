import type { AdminOfferView, PublicOfferView } from './offers.dto.js';
import type { OfferRow } from './offers.repository.js';
import { statusOf, type OfferTerms } from './offers.rules.js';

export function toPublicOfferView(row: OfferRow): PublicOfferView {
  return {
    id: row.id,
    nameEn: row.nameEn,
    nameAr: row.nameAr,
    kind: row.kind,
    value: row.value,
    scope: row.scope,
    productId: row.productId,
    categoryId: row.categoryId,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    minCartMinor: row.minCartMinor,
    perCustomerLimit: row.perCustomerLimit,
    appliesToRestricted: row.appliesToRestricted,
  };
}

export function toAdminOfferView(row: OfferRow, now: Date): AdminOfferView {
  return {
    ...toPublicOfferView(row),
    globalLimit: row.globalLimit,
    usedCount: row.usedCount,
    couponCode: row.couponCode,
    active: row.active,
    status: statusOf(row, now),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The terms the pure rules work on. */
export function toTerms(row: OfferRow): OfferTerms {
  return {
    id: row.id,
    kind: row.kind,
    value: row.value,
    scope: row.scope,
    productId: row.productId,
    categoryId: row.categoryId,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    minCartMinor: row.minCartMinor,
    globalLimit: row.globalLimit,
    perCustomerLimit: row.perCustomerLimit,
    usedCount: row.usedCount,
    couponCode: row.couponCode,
    appliesToRestricted: row.appliesToRestricted,
    active: row.active,
  };
}
