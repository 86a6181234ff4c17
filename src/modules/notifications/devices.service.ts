import { Inject, Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type { DeviceBody, DeviceView } from './notifications.dto.js';
import { NotificationErrors } from './notifications.errors.js';
import { NotificationsRepository, type DeviceRow } from './notifications.repository.js';

const toDeviceView = (d: DeviceRow): DeviceView => ({
  id: d.id,
  platform: d.platform,
  createdAt: d.createdAt.toISOString(),
  lastSeenAt: d.lastSeenAt.toISOString(),
});

/** Push devices: the caller registers the app install they are signed in on, and removes it (sign-out). */
@Injectable()
export class DevicesService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Registering a token again refreshes it; a token registered by another account moves to the caller. */
  async register(actor: UserActor, body: DeviceBody): Promise<DeviceView> {
    return toDeviceView(await this.repo.upsertDevice(actor.userId, body.token, body.platform, this.clock.now()));
  }

  /** Another account's device answers 404 like a missing one (audited) and stays. */
  async remove(actor: UserActor, id: string, meta: RequestMeta): Promise<void> {
    if (await this.repo.deleteDevice(id, actor.userId)) return;
    const found = await this.repo.findDevice(id);
    if (found) throw await this.audit.notYours(actor, 'device', id, meta, NotificationErrors.deviceNotFound());
    throw NotificationErrors.deviceNotFound();
  }
}
