import { describe, expect, it } from 'vitest';
import { choicesOf, isTimeZone, localMinute, sendableAt, toHhmm, toMinute } from './notifications.rules.js';

const q = (start: string, end: string, timeZone = 'UTC') => ({
  startMinute: toMinute(start),
  endMinute: toMinute(end),
  timeZone,
});

describe('quiet hours', () => {
  it('lets a send go now outside the window and without one', () => {
    const now = new Date('2030-01-10T12:00:00Z');
    expect(sendableAt(now, null)).toEqual(now);
    expect(sendableAt(now, q('22:00', '07:00'))).toEqual(now);
    expect(sendableAt(now, q('13:00', '14:00'))).toEqual(now);
  });

  it('defers to the end of a window that wraps midnight, in the person’s zone', () => {
    // 23:30 in Cairo (UTC+2 in January) is 21:30Z; quiet until 07:00 Cairo = 05:00Z next day.
    expect(sendableAt(new Date('2030-01-10T21:30:00Z'), q('22:00', '07:00', 'Africa/Cairo'))).toEqual(
      new Date('2030-01-11T05:00:00Z'),
    );
    // 03:00 Cairo (01:00Z) is inside too, the end is the same morning.
    expect(sendableAt(new Date('2030-01-11T01:00:00Z'), q('22:00', '07:00', 'Africa/Cairo'))).toEqual(
      new Date('2030-01-11T05:00:00Z'),
    );
    // The end minute itself is outside.
    expect(sendableAt(new Date('2030-01-11T05:00:00Z'), q('22:00', '07:00', 'Africa/Cairo'))).toEqual(
      new Date('2030-01-11T05:00:00Z'),
    );
  });

  it('lands on the local end minute across a daylight-saving change inside the window', () => {
    // New York springs forward on 2030-03-10 at 02:00: 23:00 local on the 9th is 04:00Z; 07:00 EDT is 11:00Z.
    expect(sendableAt(new Date('2030-03-10T04:00:00Z'), q('22:00', '07:00', 'America/New_York'))).toEqual(
      new Date('2030-03-10T11:00:00Z'),
    );
  });

  it('reads wall clocks and zones', () => {
    expect(localMinute(new Date('2030-06-01T00:30:00Z'), 'Asia/Riyadh')).toBe(3 * 60 + 30);
    expect(toHhmm(toMinute('07:05'))).toBe('07:05');
    expect(isTimeZone('Africa/Cairo')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('choices', () => {
  it('overlays stored choices on the defaults and ignores unknown rows', () => {
    const c = choicesOf([
      { category: 'orders', channel: 'push', enabled: false },
      { category: 'orders', channel: 'sms', enabled: true },
      { category: 'nope', channel: 'push', enabled: false },
      { category: 'account', channel: 'fax', enabled: true },
    ]);
    expect(c.orders).toEqual({ push: false, email: true, sms: true });
    expect(c.account).toEqual({ push: true, email: true, sms: false });
  });
});
