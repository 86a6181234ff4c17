import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxService } from '../../kernel/events/index.js';
import { NotificationIntake } from './notification-intake.service.js';
import { NOTIFIED_TOPICS } from './notifications.templates.js';

/** Every event a person cares about (other modules' topics, by name) becomes their notification. */
@Injectable()
export class NotificationSubscribers implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly intake: NotificationIntake,
  ) {}

  onModuleInit(): void {
    // Named per topic (stable across releases): the outbox keys what each subscriber has handled by it.
    for (const topic of NOTIFIED_TOPICS)
      this.outbox.subscribe(
        topic,
        (payload, event, tx) => this.intake.fromEvent(topic, payload, event, tx),
        `notifications:${topic}`,
      );
  }
}
