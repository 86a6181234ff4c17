/**
 * Outbox topics of the support module (notifications delivers them to `recipientIds`; the customer never
 * appears among the recipients of anything internal).
 */
export const TicketEvents = {
  /**
   * Creation, every status change and every assignment:
   * { ticketId, customerId, subject, change: 'created' | 'status' | 'assigned', from, to, status, assigneeId,
   *   actorId, recipientIds }.
   */
  updated: 'ticket.updated',
  /** A reply (never an internal note): { ticketId, messageId, authorId, fromStaff, recipientIds }. */
  message: 'ticket.message',
  /** An internal note, for staff only: { ticketId, messageId, authorId, recipientIds } (the assignee, if another). */
  note: 'ticket.note',
} as const;
