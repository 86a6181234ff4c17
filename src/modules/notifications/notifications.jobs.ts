import { Injectable } from '@nestjs/common';
import { ModuleJobs, type JobDefinition, type JobSource } from '../../kernel/queue/index.js';
import { NotificationDelivery } from './notification-delivery.service.js';

declare module '../../kernel/queue/jobs.js' {
  interface JobMap {
    /** Send a new notification's due deliveries (queued right after it is made). */
    'notifications.deliver': { notificationId: string };
    /** Send every due delivery: quiet hours ended, retries, a lost deliver job. */
    'notifications.deliver-due': Record<string, never>;
    /** Read Expo receipts; dead tokens (DeviceNotRegistered) delete their device. */
    'notifications.push-receipts': Record<string, never>;
  }
}

/**
 * Idempotent: a delivery is claimed before it is sent and settled after (two runners never take one row),
 * and receipts delete what they answer. Runs under either queue driver (in-process or BullMQ).
 */
@ModuleJobs()
@Injectable()
export class NotificationJobs implements JobSource {
  constructor(private readonly delivery: NotificationDelivery) {}

  jobs(): JobDefinition[] {
    return [
      {
        name: 'notifications.deliver',
        handler: async ({ notificationId }) => {
          await this.delivery.deliver(notificationId);
        },
      },
      {
        name: 'notifications.deliver-due',
        handler: async () => {
          await this.delivery.deliverDue();
        },
        // A deferred send leaves within 10 s of its quiet hours ending; a record whose job was lost, as soon.
        every: { ms: 10_000, payload: {} },
      },
      {
        name: 'notifications.push-receipts',
        handler: async () => {
          await this.delivery.checkReceipts();
        },
        every: { ms: 300_000, payload: {} },
      },
    ];
  }
}
