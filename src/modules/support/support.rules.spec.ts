import { describe, expect, it } from 'vitest';
import {
  isOverdue,
  mayReopen,
  REOPEN_WINDOW_MS,
  SLA_RULES,
  slaFor,
  statusAfterReply,
  TICKET_CATEGORIES,
} from './support.rules.js';

const at = new Date('2030-01-01T10:00:00Z');

describe('support rules', () => {
  it('gives every category a priority and a due time after opening', () => {
    for (const c of TICKET_CATEGORIES) {
      const { priority, dueAt } = slaFor(c, at);
      expect(priority).toBe(SLA_RULES[c].priority);
      expect(dueAt.getTime() - at.getTime()).toBe(SLA_RULES[c].hours * 3_600_000);
    }
    expect(slaFor('adverse_reaction', at)).toEqual({ priority: 'urgent', dueAt: new Date('2030-01-01T12:00:00Z') });
    expect(slaFor('other', at).priority).toBe('low');
  });

  it('counts overdue only while the ticket waits on us', () => {
    const due = new Date(at.getTime() - 1);
    expect(isOverdue('open', due, at)).toBe(true);
    expect(isOverdue('in_progress', due, at)).toBe(true);
    expect(isOverdue('waiting_customer', due, at)).toBe(false);
    expect(isOverdue('resolved', due, at)).toBe(false);
    expect(isOverdue('open', at, at)).toBe(false);
  });

  it('lets a resolved ticket be reopened for seven days, not at the seventh day’s end', () => {
    expect(mayReopen(at, new Date(at.getTime() + REOPEN_WINDOW_MS - 1))).toBe(true);
    expect(mayReopen(at, new Date(at.getTime() + REOPEN_WINDOW_MS))).toBe(false);
    expect(mayReopen(null, at)).toBe(false);
  });

  it('moves a ticket after a reply: the customer hands it back, staff ask the customer', () => {
    expect(statusAfterReply('waiting_customer', false)).toBe('in_progress');
    expect(statusAfterReply('open', false)).toBeNull();
    expect(statusAfterReply('in_progress', false)).toBeNull();
    expect(statusAfterReply('open', true)).toBe('waiting_customer');
    expect(statusAfterReply('in_progress', true)).toBe('waiting_customer');
    expect(statusAfterReply('waiting_customer', true)).toBeNull();
    expect(statusAfterReply('open', true, true)).toBe('in_progress');
    expect(statusAfterReply('in_progress', true, true)).toBeNull();
  });
});
