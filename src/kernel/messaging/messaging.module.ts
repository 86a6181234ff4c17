import { Global, Module } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { ConsoleEmailSender, ConsoleSmsSender, SENT_MESSAGES, SentMessages } from './console.senders.js';
import { EMAIL_SENDER, SMS_SENDER } from './senders.js';
import { SmtpEmailSender } from './smtp.sender.js';

@Global()
@Module({
  providers: [
    { provide: SENT_MESSAGES, useValue: new SentMessages() },
    {
      provide: EMAIL_SENDER,
      inject: [CONFIG, SENT_MESSAGES],
      useFactory: (config: Config, sent: SentMessages) =>
        config.messaging.emailDriver === 'smtp' && config.messaging.smtpUrl
          ? new SmtpEmailSender(config.messaging.smtpUrl, config.messaging.emailFrom)
          : new ConsoleEmailSender(sent, config.env === 'development'),
    },
    {
      provide: SMS_SENDER,
      inject: [CONFIG, SENT_MESSAGES],
      useFactory: (config: Config, sent: SentMessages) => new ConsoleSmsSender(sent, config.env === 'development'),
    },
  ],
  exports: [EMAIL_SENDER, SMS_SENDER, SENT_MESSAGES],
})
export class MessagingModule {}
