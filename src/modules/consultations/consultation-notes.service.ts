import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import type { AppointmentRow } from '../appointments/index.js';
import { ConsultationAccess, type Role } from './consultation-access.js';
import type { AddendumBody, NoteDraftBody, NotesView } from './consultations.dto.js';
import { ConsultationErrors } from './consultations.errors.js';
import { ConsultationsRepository, type NoteRow } from './consultations.repository.js';

/** Notes are written once the doctor admitted the patient. */
const NOTE_STATUSES: readonly string[] = ['in_progress', 'completed'];

/**
 * The clinical note (subjective, objective, assessment, plan): the consultation's doctor drafts it, signs it,
 * and from then on it is locked (a trigger refuses any change); corrections are addenda, each signed by its
 * author with the time. The patient reads the note once signed (a draft is the doctor's working copy).
 */
@Injectable()
export class ConsultationNotesService {
  constructor(
    private readonly repo: ConsultationsRepository,
    private readonly access: ConsultationAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** GET /v1/consultations/:id/notes: a read by anyone but the patient is audited. */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<NotesView> {
    const { row, role } = await this.access.participant(actor, id, meta);
    const view = await this.read(row.id, role);
    await this.access.recordRead(actor, row, 'consultation_notes', meta);
    return view;
  }

  /** PUT /v1/doctor/consultations/:id/notes: replaces the draft's four parts; a signed note 409. */
  async draft(actor: UserActor, id: string, body: NoteDraftBody, meta?: RequestMeta): Promise<NotesView> {
    return this.asDoctor(actor, id, meta, async (row, t) => {
      if ((await this.repo.lockNote(row.id, t))?.signedAt) throw ConsultationErrors.noteSigned();
      const fields = {
        subjective: body.subjective ?? null,
        objective: body.objective ?? null,
        assessment: body.assessment ?? null,
        plan: body.plan ?? null,
      };
      if (!(await this.repo.saveDraft(row.id, actor.userId, fields, t))) throw ConsultationErrors.noteSigned();
    });
  }

  /** POST /v1/doctor/consultations/:id/notes/sign: the draft becomes the signed, locked note. */
  async sign(actor: UserActor, id: string, meta?: RequestMeta): Promise<NotesView> {
    return this.asDoctor(actor, id, meta, async (row, t) => {
      const note = await this.repo.lockNote(row.id, t);
      if (!note) throw ConsultationErrors.noNote();
      if (note.signedAt) throw ConsultationErrors.noteSigned();
      if (!(await this.repo.sign(row.id, this.clock.now(), t))) throw ConsultationErrors.noteSigned();
    });
  }

  /** POST /v1/doctor/consultations/:id/notes/addenda: a signed correction appended to a signed note. */
  async addendum(actor: UserActor, id: string, body: AddendumBody, meta?: RequestMeta): Promise<NotesView> {
    return this.asDoctor(actor, id, meta, async (row, t) => {
      const note = await this.repo.lockNote(row.id, t);
      if (!note?.signedAt) throw ConsultationErrors.noteNotSigned();
      await this.repo.insertAddendum(
        { id: newId(), appointmentId: row.id, authorId: actor.userId, body: body.text, signedAt: this.clock.now() },
        t,
      );
    });
  }

  private async asDoctor(
    actor: UserActor,
    id: string,
    meta: RequestMeta | undefined,
    write: (row: AppointmentRow, t: DbOrTx) => Promise<void>,
  ): Promise<NotesView> {
    return this.repo.transaction(async (t) => {
      const { row } = await this.access.participant(actor, id, meta, t, 'doctor');
      if (!NOTE_STATUSES.includes(row.status)) throw ConsultationErrors.notesClosed(row.status);
      await write(row, t);
      return this.read(row.id, 'doctor', t);
    });
  }

  private async read(appointmentId: string, role: Role, tx?: DbOrTx): Promise<NotesView> {
    const note = await this.repo.note(appointmentId, tx);
    if (!note || (role === 'patient' && !note.signedAt)) return { note: null, addenda: [] };
    const addenda = note.signedAt ? await this.repo.addenda(appointmentId, tx) : [];
    return {
      note: noteView(note),
      addenda: addenda.map((a) => ({
        id: a.id,
        authorId: a.authorId,
        text: a.body,
        signedAt: a.signedAt.toISOString(),
      })),
    };
  }
}

const noteView = (n: NoteRow) => ({
  consultationId: n.appointmentId,
  doctorId: n.doctorId,
  subjective: n.subjective,
  objective: n.objective,
  assessment: n.assessment,
  plan: n.plan,
  signed: n.signedAt !== null,
  signedAt: n.signedAt?.toISOString() ?? null,
  updatedAt: n.updatedAt.toISOString(),
});
