import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { ConsultationChatService } from './consultation-chat.service.js';
import { ConsultationNotesService } from './consultation-notes.service.js';
import {
  consultationIdParam,
  consultationView,
  messageView,
  messagesPage,
  messagesQuery,
  notesView,
  postMessageBody,
  ratingBody,
  ratingView,
  videoJoinView,
  type MessagesQuery,
  type PostMessageBody,
  type RatingBody,
} from './consultations.dto.js';
import { ConsultationsService } from './consultations.service.js';

export const NOT_YOURS =
  'Only its patient and its doctor; anyone else (another patient or doctor, staff) gets 404 `consultations/not-found` like a missing id (audited).';

/** The participants' routes: the id is the appointment's id. */
@ApiTags('consultations')
@Controller('v1/consultations')
export class ConsultationsController {
  constructor(
    private readonly consultations: ConsultationsService,
    private readonly chat: ConsultationChatService,
    private readonly notes: ConsultationNotesService,
  ) {}

  @Can('appointments:read')
  @Get(':id')
  @Route({
    operationId: 'getConsultation',
    summary: 'A consultation: its appointment, status, waiting-room and video windows, and the caller’s video join',
    description: `${NOT_YOURS} \`video.join\` (a room URL with a signed join token for the caller) is present only while the room is open: a video appointment not ended, from \`video.opensAt\` until \`video.closesAt\`.`,
    auth: { permission: 'appointments:read' },
    response: consultationView,
    errors: [404],
  })
  get(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.get(actor, id, meta);
  }

  @Can('appointments:read')
  @Get(':id/video')
  @Route({
    operationId: 'joinConsultationVideo',
    summary: 'A fresh video join (room URL and short-lived signed token) for the caller',
    description: `${NOT_YOURS} Outside the window (from a few minutes before the start until a while after the end) or once the consultation ended: 409 \`consultations/video-closed\` with \`opensAt\` and \`closesAt\`; a clinic appointment 409 \`consultations/not-video\`.`,
    auth: { permission: 'appointments:read' },
    response: videoJoinView,
    errors: [404, 409],
  })
  video(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.join(actor, id, meta);
  }

  @Can('appointments:read')
  @Get(':id/messages')
  @Route({
    operationId: 'listConsultationMessages',
    summary: 'The consultation’s chat, newest first',
    description: `${NOT_YOURS} A read by the doctor is audited (health data).`,
    auth: { permission: 'appointments:read' },
    response: messagesPage,
    errors: [404],
  })
  messages(
    @Param('id', { schema: consultationIdParam }) id: string,
    @Query({ schema: messagesQuery }) query: MessagesQuery,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.chat.list(actor, id, query, meta);
  }

  @Can('appointments:write')
  @Post(':id/messages')
  @Route({
    operationId: 'postConsultationMessage',
    summary: 'Send a chat message (text and/or files the sender uploaded)',
    description: `${NOT_YOURS} Open while the patient waits (checked_in), during the consultation and for a while after completion (CONSULTATION_CHAT_AFTER_MINUTES); otherwise 409 \`consultations/chat-closed\`. Both participants receive it live as the Socket.IO event \`consultation.message\`.`,
    auth: { permission: 'appointments:write' },
    status: 201,
    response: messageView,
    errors: [404, 409],
  })
  post(
    @Param('id', { schema: consultationIdParam }) id: string,
    @Body({ schema: postMessageBody }) body: PostMessageBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.chat.post(actor, id, body, meta);
  }

  @Can('appointments:read')
  @Get(':id/notes')
  @Route({
    operationId: 'getConsultationNotes',
    summary: 'The clinical note and its addenda',
    description: `${NOT_YOURS} The patient sees the note once the doctor signed it (\`note: null\` before); the doctor sees the draft too. A read by the doctor is audited (health data).`,
    auth: { permission: 'appointments:read' },
    response: notesView,
    errors: [404],
  })
  getNotes(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.notes.get(actor, id, meta);
  }

  @Can('appointments:write')
  @Post(':id/rating')
  @Idempotent()
  @Route({
    operationId: 'rateConsultation',
    summary: 'The patient rates a completed consultation (1–5 stars), once',
    description: `${NOT_YOURS} Only the patient (the doctor: 404); only once completed (409 \`consultations/not-rateable\`); once per consultation (409 \`consultations/already-rated\`). The doctor’s rating moves with it.`,
    auth: { permission: 'appointments:write' },
    status: 201,
    response: ratingView,
    errors: [404, 409],
  })
  rate(
    @Param('id', { schema: consultationIdParam }) id: string,
    @Body({ schema: ratingBody }) body: RatingBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.rate(actor, id, body, meta);
  }
}

/** The waiting room's door: the patient checks in on the appointment. */
@ApiTags('consultations')
@Controller('v1/appointments')
export class CheckInController {
  constructor(private readonly consultations: ConsultationsService) {}

  @Can('appointments:write')
  @Post(':id/check-in')
  @Idempotent()
  @Route({
    operationId: 'checkInAppointment',
    summary: 'The patient enters the waiting room (booked → checked_in)',
    description: `${NOT_YOURS} Only the patient (the doctor: 404). From CONSULTATION_CHECK_IN_EARLY_MINUTES before the start until its end (else 409 \`consultations/check-in-closed\` with \`opensAt\`/\`closesAt\`); a booking that is not \`booked\` 409 \`common/illegal-transition\`. Writes \`appointment.updated\`; both participants get the Socket.IO event \`consultation.updated\` (\`{ consultationId, from, status }\`).`,
    auth: { permission: 'appointments:write' },
    response: consultationView,
    errors: [404, 409],
  })
  checkIn(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.checkIn(actor, id, meta);
  }
}
