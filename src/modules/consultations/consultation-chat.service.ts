import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { RealtimeService } from '../../kernel/realtime/index.js';
import { FilesService, type FileView } from '../files/index.js';
import { ConsultationAccess } from './consultation-access.js';
import type { MessageView, MessagesQuery, PostMessageBody } from './consultations.dto.js';
import { ConsultationErrors } from './consultations.errors.js';
import { ConsultationsRepository, type MessageRow } from './consultations.repository.js';
import { chatOpen } from './consultations.rules.js';

const idCursor = cursorShape(cursorField.id);
/** The Socket.IO event both participants receive for each new message (payload: the message as listed). */
export const CONSULTATION_MESSAGE_EVENT = 'consultation.message';

/**
 * The consultation's chat: only its patient and its doctor read or write it. Attachments are files the
 * sender uploaded through the files module; the other participant gets short-lived links to them.
 */
@Injectable()
export class ConsultationChatService {
  constructor(
    private readonly repo: ConsultationsRepository,
    private readonly access: ConsultationAccess,
    private readonly files: FilesService,
    private readonly realtime: RealtimeService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** GET /v1/consultations/:id/messages: newest first; a read by the doctor is audited. */
  async list(actor: UserActor, id: string, query: MessagesQuery, meta?: RequestMeta): Promise<Page<MessageView>> {
    const { row } = await this.access.participant(actor, id, meta);
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.messages(row.id, after?.[0], query.limit + 1);
    const page = toPage(rows, query.limit, (r) => [r.id]);
    await this.access.recordRead(actor, row, 'consultation_messages', meta);
    return { items: await Promise.all(page.items.map((r) => this.view(r))), nextCursor: page.nextCursor };
  }

  /**
   * POST /v1/consultations/:id/messages: while the chat is open (waiting room, consultation, a while after
   * completion). Sent live to both participants after the commit.
   */
  async post(actor: UserActor, id: string, body: PostMessageBody, meta?: RequestMeta): Promise<MessageView> {
    const saved = await this.repo.transaction(async (t) => {
      // The appointment's lock orders messages against its lifecycle steps (no message after completion's window).
      const { row } = await this.access.participant(actor, id, meta, t);
      const completedAt = row.status === 'completed' ? row.updatedAt : null;
      if (!chatOpen(row.status, completedAt, this.config.consultations.chatAfterMinutes, this.clock.now()))
        throw ConsultationErrors.chatClosed(row.status);
      const fileIds = [...new Set(body.fileIds ?? [])];
      // Each must be the sender's own upload: anyone else's answers 404 files/not-found (audited by files).
      for (const fileId of fileIds) await this.files.get(actor, fileId, meta);
      const message = await this.repo.insertMessage(
        { id: newId(), appointmentId: row.id, senderId: actor.userId, body: body.text ?? null, fileIds },
        t,
      );
      return { message, to: [row.patientId, row.doctorId] };
    });
    const view = await this.view(saved.message);
    this.realtime.toUsers(saved.to, CONSULTATION_MESSAGE_EVENT, view);
    return view;
  }

  private async view(row: MessageRow): Promise<MessageView> {
    const attachments = (await Promise.all(row.fileIds.map((f) => this.files.viewFor(f)))).filter(
      (f): f is FileView => f !== null,
    );
    return {
      id: row.id,
      consultationId: row.appointmentId,
      senderId: row.senderId,
      text: row.body,
      attachments,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
