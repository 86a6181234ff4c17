export * from './senders.js';
export { SentMessages, SENT_MESSAGES, ConsoleEmailSender, ConsoleSmsSender } from './console.senders.js';
export { SmtpEmailSender } from './smtp.sender.js';
export { MessagingModule } from './messaging.module.js';
