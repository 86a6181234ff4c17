import { AppError } from '../../kernel/errors/index.js';
import { InventoryErrors } from './inventory.errors.js';
import type { ReservationLine } from './inventory.repository.js';
import type { Reservation, ReserveLine } from './inventory.service.js';

/** The pure side of a reservation: its request checked, its rows turned into the answer, a replay judged. */

export function assertReservable(lines: ReserveLine[], ref: string, ttlSeconds: number): void {
  const bad =
    lines.length === 0 ||
    lines.some((l) => !Number.isSafeInteger(l.quantity) || l.quantity < 1) ||
    ref.length === 0 ||
    ref.length > 200 ||
    !Number.isFinite(ttlSeconds) ||
    ttlSeconds <= 0;
  if (bad)
    throw AppError.validation([
      { field: 'lines', code: 'invalid_value', message: 'needs lines with positive quantities, a ref and a ttl' },
    ]);
}

/** The same reference again: the same answer if it asks for the same thing, else a conflict. */
export function replay(ref: string, existing: ReservationLine[], branchId: string, lines: ReserveLine[]): Reservation {
  const reservation = toReservation(ref, existing);
  if (reservation.status !== 'active') throw InventoryErrors.reservationClosed(reservation.status);
  const same =
    reservation.branchId === branchId &&
    reservation.lines.length === lines.length &&
    lines.every((l) => reservation.lines.some((r) => r.productId === l.productId && r.quantity === l.quantity));
  if (!same) throw InventoryErrors.reservationConflict();
  return reservation;
}

export function toReservation(ref: string, rows: Omit<ReservationLine, 'reservationId'>[]): Reservation {
  const byProduct = new Map<string, Reservation['lines'][number]>();
  for (const r of rows) {
    const line = byProduct.get(r.productId) ?? { productId: r.productId, quantity: 0, lots: [] };
    line.quantity += r.quantity;
    line.lots.push({ lotId: r.lotId, lotNumber: r.lotNumber, expiresOn: r.expiresOn, quantity: r.quantity });
    byProduct.set(r.productId, line);
  }
  return {
    ref,
    branchId: rows[0].branchId,
    status: rows[0].status,
    expiresAt: rows[0].expiresAt.toISOString(),
    lines: [...byProduct.values()],
  };
}
