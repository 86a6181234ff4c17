import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { IdentityModule } from '../identity/index.js';
import { DevicesController } from './devices.controller.js';
import { DevicesService } from './devices.service.js';
import { NotificationDelivery } from './notification-delivery.service.js';
import { NotificationIntake } from './notification-intake.service.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationJobs } from './notifications.jobs.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { NotificationSubscribers } from './notifications.subscribers.js';
import { ConsolePushSender, ExpoPushSender, PUSH_SENDER } from './push.sender.js';

@Module({
  imports: [IdentityModule],
  controllers: [NotificationsController, DevicesController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationPreferencesService,
    NotificationIntake,
    NotificationDelivery,
    DevicesService,
    NotificationJobs,
    NotificationSubscribers,
    {
      provide: PUSH_SENDER,
      inject: [CONFIG],
      useFactory: (config: Config) =>
        config.notifications.pushDriver === 'expo'
          ? new ExpoPushSender({
              accessToken: config.notifications.expoAccessToken,
              baseUrl: config.notifications.expoPushUrl,
            })
          : new ConsolePushSender(),
    },
  ],
  exports: [NotificationsService, NotificationDelivery],
})
export class NotificationsModule {}
