import { AppError } from '../../kernel/errors/index.js';

/** The inventory module's stable error codes (messages in kernel/errors/messages.ts). */
export const InventoryErrors = {
  insufficientStock: (productId: string, requested: number, available: number) =>
    new AppError('conflict', 'inventory/insufficient-stock', 'Not enough sellable stock for this request', {
      productId,
      requested,
      available,
    }),
  reservationNotFound: () => AppError.notFound('inventory/reservation-not-found', 'No reservation has this reference'),
  reservationClosed: (status: string) =>
    AppError.conflict('inventory/reservation-closed', `The reservation is already ${status}`, { status }),
  reservationConflict: () =>
    AppError.conflict(
      'inventory/reservation-conflict',
      'This reference already holds a different reservation (branch or lines)',
    ),
  lotNotFound: () => AppError.notFound('inventory/lot-not-found', 'The lot was not found at this branch'),
  productNotFound: () => AppError.notFound('inventory/product-not-found', 'The product was not found'),
  lotExpiryMismatch: (expiresOn: string) =>
    AppError.conflict('inventory/lot-expiry-mismatch', `This lot number is recorded with expiry ${expiresOn}`, {
      expiresOn,
    }),
  lotExpired: () =>
    new AppError('validation', 'inventory/lot-expired', 'The lot has already expired', {
      errors: [{ field: 'expiresOn', code: 'too_small', message: 'is in the past' }],
    }),
  belowReserved: (reserved: number) =>
    AppError.conflict('inventory/below-reserved', 'On-hand stock cannot go below the reserved quantity', {
      reserved,
    }),
  quantityTooLarge: () => AppError.conflict('inventory/quantity-too-large', 'The lot cannot hold that many units'),
  notYourBranch: () =>
    new AppError('forbidden', 'inventory/not-your-branch', 'You do not hold this permission at this branch'),
  sameBranch: () =>
    new AppError('validation', 'inventory/same-branch', 'A transfer needs two different branches', {
      errors: [{ field: 'toBranchId', code: 'invalid_value', message: 'must differ from the source branch' }],
    }),
};
