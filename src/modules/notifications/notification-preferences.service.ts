import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { PreferencesBody, PreferencesView } from './notifications.dto.js';
import { NotificationsRepository, type ChoiceRow, type SettingsRow } from './notifications.repository.js';
import { CATEGORIES, CHANNELS, choicesOf, toHhmm, toMinute, type QuietHours } from './notifications.rules.js';

export const quietHoursOf = (s: SettingsRow | undefined): QuietHours | null =>
  s && s.quietStartMinute !== null && s.quietEndMinute !== null
    ? { startMinute: s.quietStartMinute, endMinute: s.quietEndMinute, timeZone: s.timeZone }
    : null;

/** A person's choices: which channels per category, and their quiet hours (always their own). */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    private readonly repo: NotificationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(userId: string): Promise<PreferencesView> {
    const [stored, settings] = await Promise.all([this.repo.choices(userId), this.repo.settings(userId)]);
    const quiet = quietHoursOf(settings);
    return {
      channels: choicesOf(stored),
      quietHours: quiet
        ? { start: toHhmm(quiet.startMinute), end: toHhmm(quiet.endMinute), timeZone: quiet.timeZone }
        : null,
    };
  }

  /** Changes only what the body names; answers the whole result. */
  async put(userId: string, body: PreferencesBody): Promise<PreferencesView> {
    const at = this.clock.now();
    const rows: ChoiceRow[] = [];
    for (const category of CATEGORIES)
      for (const channel of CHANNELS) {
        const enabled = body.channels?.[category]?.[channel];
        if (enabled !== undefined) rows.push({ category, channel, enabled });
      }
    await this.repo.transaction(async (tx) => {
      await this.repo.upsertChoices(userId, rows, at, tx);
      if (body.quietHours !== undefined)
        await this.repo.upsertSettings(
          body.quietHours === null
            ? { userId, quietStartMinute: null, quietEndMinute: null, timeZone: 'UTC', updatedAt: at }
            : {
                userId,
                quietStartMinute: toMinute(body.quietHours.start),
                quietEndMinute: toMinute(body.quietHours.end),
                timeZone: body.quietHours.timeZone,
                updatedAt: at,
              },
          tx,
        );
    });
    return this.get(userId);
  }
}
