import { Body, Controller, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { ConsultationNotesService } from './consultation-notes.service.js';
import {
  addendumBody,
  consultationIdParam,
  consultationView,
  noteDraftBody,
  notesView,
  type AddendumBody,
  type NoteDraftBody,
} from './consultations.dto.js';
import { ConsultationsService } from './consultations.service.js';

const DOCTOR_ONLY =
  'Only the consultation’s doctor; anyone else (its patient, another doctor) gets 404 `consultations/not-found` like a missing id (audited).';

/** The doctor's side of a consultation: admit, complete, notes. */
@ApiTags('consultations')
@Controller('v1/doctor/consultations')
export class DoctorConsultationsController {
  constructor(
    private readonly consultations: ConsultationsService,
    private readonly notes: ConsultationNotesService,
  ) {}

  @Can('practice:write')
  @Post(':id/start')
  @Idempotent()
  @Route({
    operationId: 'startConsultation',
    summary: 'Admit the patient: the consultation starts (booked or checked_in → in_progress)',
    description: `${DOCTOR_ONLY} Not before CONSULTATION_CHECK_IN_EARLY_MINUTES ahead of the start (409 \`consultations/too-early\`); another state 409 \`common/illegal-transition\`. Writes \`appointment.updated\`; both participants get the Socket.IO event \`consultation.updated\`.`,
    auth: { permission: 'practice:write' },
    response: consultationView,
    errors: [404, 409],
  })
  start(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.start(actor, id, meta);
  }

  @Can('practice:write')
  @Post(':id/complete')
  @Idempotent()
  @Route({
    operationId: 'completeConsultation',
    summary: 'End the consultation (in_progress → completed)',
    description: `${DOCTOR_ONLY} Another state 409 \`common/illegal-transition\`. Writes \`appointment.updated\` (and \`consultation.updated\` to both participants); the patient may rate it from then on.`,
    auth: { permission: 'practice:write' },
    response: consultationView,
    errors: [404, 409],
  })
  complete(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.consultations.complete(actor, id, meta);
  }

  @Can('practice:write')
  @Put(':id/notes')
  @Route({
    operationId: 'draftConsultationNotes',
    summary: 'Write the draft note (subjective, objective, assessment, plan), replacing the last draft',
    description: `${DOCTOR_ONLY} Once the consultation started (in_progress or completed; else 409 \`consultations/notes-closed\`). A signed note is locked: 409 \`consultations/note-signed\` (add an addendum).`,
    auth: { permission: 'practice:write' },
    response: notesView,
    errors: [404, 409],
  })
  draft(
    @Param('id', { schema: consultationIdParam }) id: string,
    @Body({ schema: noteDraftBody }) body: NoteDraftBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.notes.draft(actor, id, body, meta);
  }

  @Can('practice:write')
  @Post(':id/notes/sign')
  @Route({
    operationId: 'signConsultationNotes',
    summary: 'Sign the draft note: it is locked from now on',
    description: `${DOCTOR_ONLY} No draft 409 \`consultations/no-note\`; signed already 409 \`consultations/note-signed\`.`,
    auth: { permission: 'practice:write' },
    response: notesView,
    errors: [404, 409],
  })
  sign(
    @Param('id', { schema: consultationIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.notes.sign(actor, id, meta);
  }

  @Can('practice:write')
  @Post(':id/notes/addenda')
  @Route({
    operationId: 'addConsultationNoteAddendum',
    summary: 'Correct a signed note with an addendum, signed by its author with the time',
    description: `${DOCTOR_ONLY} Only after signing (409 \`consultations/note-not-signed\`).`,
    auth: { permission: 'practice:write' },
    status: 201,
    response: notesView,
    errors: [404, 409],
  })
  addendum(
    @Param('id', { schema: consultationIdParam }) id: string,
    @Body({ schema: addendumBody }) body: AddendumBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.notes.addendum(actor, id, body, meta);
  }
}
