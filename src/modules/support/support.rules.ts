import type { TicketStatus } from './support.machine.js';
import { SLA_RUNNING } from './support.machine.js';

export const TICKET_CATEGORIES = [
  'order',
  'delivery',
  'payment',
  'prescription',
  'appointment',
  'adverse_reaction',
  'account',
  'other',
] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/**
 * Priority and the time we promise to resolve in, by category. A suspected adverse drug reaction is urgent
 * (pharmacovigilance: a pharmacist must follow it up the same day); money and medicines come before
 * appointments and accounts.
 */
export const SLA_RULES: Readonly<Record<TicketCategory, { priority: TicketPriority; hours: number }>> = {
  adverse_reaction: { priority: 'urgent', hours: 2 },
  payment: { priority: 'high', hours: 8 },
  prescription: { priority: 'high', hours: 8 },
  delivery: { priority: 'high', hours: 12 },
  order: { priority: 'normal', hours: 24 },
  appointment: { priority: 'normal', hours: 24 },
  account: { priority: 'normal', hours: 48 },
  other: { priority: 'low', hours: 72 },
};

/** A customer may reopen a resolved ticket this long after its resolution; then the job closes it. */
export const REOPEN_WINDOW_MS = 7 * 86_400_000;
/** A thread holds at most this many messages (replies and notes): an unbounded thread is a slow read. */
export const MAX_THREAD = 500;

export function slaFor(category: TicketCategory, openedAt: Date): { priority: TicketPriority; dueAt: Date } {
  const rule = SLA_RULES[category];
  return { priority: rule.priority, dueAt: new Date(openedAt.getTime() + rule.hours * 3_600_000) };
}

/** Overdue: past its due time while it waits on us (not on the customer, not resolved or closed). */
export function isOverdue(status: TicketStatus, dueAt: Date, now: Date): boolean {
  return SLA_RUNNING.includes(status) && dueAt.getTime() < now.getTime();
}

/** Whether the customer may still reopen a ticket resolved at `resolvedAt` (the window's end excluded). */
export function mayReopen(resolvedAt: Date | null, now: Date): boolean {
  return resolvedAt !== null && now.getTime() < resolvedAt.getTime() + REOPEN_WINDOW_MS;
}

/** The instant before which resolved tickets are closed by the job. */
export function autoCloseBefore(now: Date): Date {
  return new Date(now.getTime() - REOPEN_WINDOW_MS);
}

/**
 * The status a reply leaves the ticket in: the customer's answer on waiting_customer hands it back to us; a
 * staff reply asks the customer (waiting_customer) unless staff say they keep working it. Null: no step.
 */
export function statusAfterReply(status: TicketStatus, fromStaff: boolean, keepWorking = false): TicketStatus | null {
  if (!fromStaff) return status === 'waiting_customer' ? 'in_progress' : null;
  const target: TicketStatus = keepWorking ? 'in_progress' : 'waiting_customer';
  return status === target ? null : target;
}
