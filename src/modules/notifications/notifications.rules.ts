/** Pure rules of notifications: categories, channels, default choices, quiet hours. */

export const CATEGORIES = ['orders', 'appointments', 'prescriptions', 'payments', 'account', 'support'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Channels a person chooses per category. The inbox record and its realtime `notification.created` are
 * always made: the inbox is the durable copy every other channel points back to, so it cannot be turned off.
 */
export const CHANNELS = ['push', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Choices = Record<Category, Record<Channel, boolean>>;

/** Push and email on, SMS (paid per message) off until the person asks for it. */
export function defaultChoices(): Choices {
  return Object.fromEntries(CATEGORIES.map((c) => [c, { push: true, email: true, sms: false }])) as unknown as Choices;
}

/** The defaults overlaid with what the person stored. */
export function choicesOf(stored: readonly { category: string; channel: string; enabled: boolean }[]): Choices {
  const choices = defaultChoices();
  for (const row of stored) {
    const cat = choices[row.category as Category] as Record<Channel, boolean> | undefined;
    if (cat && (CHANNELS as readonly string[]).includes(row.channel)) cat[row.channel as Channel] = row.enabled;
  }
  return choices;
}

export interface QuietHours {
  /** Minutes after local midnight, in `timeZone`; a window may wrap midnight (22:00–07:00). */
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** `HH:MM` ↔ minutes after midnight. */
export const toMinute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const toHhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The wall-clock minute of the day at `at` in `timeZone`. */
export function localMinute(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

function inWindow(minute: number, q: QuietHours): boolean {
  return q.startMinute < q.endMinute
    ? minute >= q.startMinute && minute < q.endMinute
    : minute >= q.startMinute || minute < q.endMinute;
}

/**
 * When a non-urgent send may go out: `now` outside the person's quiet hours, else the instant their quiet
 * hours end (their wall clock, so a daylight-saving change inside the window is corrected once).
 */
export function sendableAt(now: Date, quiet: QuietHours | null): Date {
  if (!quiet) return now;
  const minute = localMinute(now, quiet.timeZone);
  if (!inWindow(minute, quiet)) return now;
  const wait = (quiet.endMinute - minute + 1440) % 1440;
  const startOfMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  let end = new Date(startOfMinute + wait * 60_000);
  // A clock change inside the window moves the wall clock: land on the end minute as the person reads it.
  const drift = (localMinute(end, quiet.timeZone) - quiet.endMinute + 1440) % 1440;
  if (drift !== 0) end = new Date(end.getTime() - (drift > 720 ? drift - 1440 : drift) * 60_000);
  return end;
}
