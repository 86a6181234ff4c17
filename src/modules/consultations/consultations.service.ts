import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import type { UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { RealtimeService } from '../../kernel/realtime/index.js';
import {
  AppointmentsService,
  toAppointmentView,
  type AppointmentRow,
  type AppointmentStatus,
} from '../appointments/index.js';
import { ProvidersService } from '../providers/index.js';
import { ConsultationAccess, type Role } from './consultation-access.js';
import type { ConsultationView, RatingBody, RatingView, VideoJoinView } from './consultations.dto.js';
import { ConsultationErrors } from './consultations.errors.js';
import { ConsultationsRepository } from './consultations.repository.js';
import { VIDEO_STATUSES, chatOpen, checkInWindow, tokenExpiry, videoWindow, within } from './consultations.rules.js';
import { VIDEO_ROOM_PROVIDER, type VideoRoomProvider } from './video-room.provider.js';

/** Sent to both participants after each lifecycle step: { consultationId, from, status }. */
export const CONSULTATION_UPDATED_EVENT = 'consultation.updated';

/** What another module (prescriptions) learns of a consultation its caller is the doctor of. */
export interface ConsultationRef {
  appointmentId: string;
  doctorId: string;
  patientId: string;
  status: AppointmentStatus;
}

/**
 * The waiting room, the lifecycle steps (through AppointmentsService.advance: the appointment's transitions
 * table and its appointment.updated events), video join and rating (exported from index.ts).
 */
@Injectable()
export class ConsultationsService {
  constructor(
    private readonly repo: ConsultationsRepository,
    private readonly access: ConsultationAccess,
    private readonly appointments: AppointmentsService,
    private readonly providers: ProvidersService,
    @Inject(VIDEO_ROOM_PROVIDER) private readonly video: VideoRoomProvider,
    private readonly realtime: RealtimeService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * For prescriptions: the consultation `id` whose doctor `actor` is (read in `tx`, locked when `lock`);
   * anyone else 404 `consultations/not-found` like a missing one (audited).
   */
  async assertDoctorOf(
    actor: UserActor,
    id: string,
    tx?: DbOrTx,
    meta?: RequestMeta,
    lock = false,
  ): Promise<ConsultationRef> {
    const { row } = await this.access.participant(actor, id, meta, lock ? tx : undefined, 'doctor');
    return {
      appointmentId: row.id,
      doctorId: row.doctorId,
      patientId: row.patientId,
      status: row.status as AppointmentStatus,
    };
  }

  /** GET /v1/consultations/:id: its patient or its doctor; a join token only while the room is open. */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<ConsultationView> {
    const { row, role } = await this.access.participant(actor, id, meta);
    return this.view(row, role, actor);
  }

  /** GET /v1/consultations/:id/video: a fresh join for the caller, or 409 outside the window. */
  async join(actor: UserActor, id: string, meta?: RequestMeta): Promise<VideoJoinView> {
    const { row, role } = await this.access.participant(actor, id, meta);
    if (row.type !== 'video') throw ConsultationErrors.notVideo();
    const join = await this.openJoin(row, role, actor);
    if (!join) {
      const w = this.videoWindowOf(row);
      throw ConsultationErrors.videoClosed(w.opensAt, w.closesAt);
    }
    return join;
  }

  /** POST /v1/appointments/:id/check-in: the patient enters the waiting room (booked → checked_in). */
  async checkIn(actor: UserActor, id: string, meta?: RequestMeta): Promise<ConsultationView> {
    return this.step(actor, id, meta, 'patient', 'checked_in', (row) => {
      const w = checkInWindow(row, this.config.consultations.checkInEarlyMinutes);
      if (row.status === 'booked' && !within(w, this.clock.now()))
        throw ConsultationErrors.checkInClosed(w.opensAt, w.closesAt);
    });
  }

  /** POST /v1/doctor/consultations/:id/start: the doctor admits the patient (→ in_progress). */
  async start(actor: UserActor, id: string, meta?: RequestMeta): Promise<ConsultationView> {
    return this.step(actor, id, meta, 'doctor', 'in_progress', (row) => {
      const opensAt = checkInWindow(row, this.config.consultations.checkInEarlyMinutes).opensAt;
      if (this.clock.now() < opensAt) throw ConsultationErrors.notYetStartable(opensAt);
    });
  }

  /** POST /v1/doctor/consultations/:id/complete: in_progress → completed. */
  async complete(actor: UserActor, id: string, meta?: RequestMeta): Promise<ConsultationView> {
    return this.step(actor, id, meta, 'doctor', 'completed', () => undefined);
  }

  private async step(
    actor: UserActor,
    id: string,
    meta: RequestMeta | undefined,
    only: Role,
    to: AppointmentStatus,
    guard: (row: AppointmentRow) => void,
  ): Promise<ConsultationView> {
    const moved = await this.repo.transaction(async (t) => {
      const { row } = await this.access.participant(actor, id, meta, t, only);
      guard(row);
      return { from: row.status, moved: await this.appointments.advance(actor, row, to, null, t) };
    });
    // The waiting room live (after the commit): the doctor sees the patient arrive, the patient is admitted.
    this.realtime.toUsers([moved.moved.patientId, moved.moved.doctorId], CONSULTATION_UPDATED_EVENT, {
      consultationId: moved.moved.id,
      from: moved.from,
      status: moved.moved.status,
    });
    return this.view(moved.moved, only, actor);
  }

  /**
   * POST /v1/consultations/:id/rating: the patient, once the consultation is completed, once (the primary key
   * settles a race); the doctor's rating moves in the same transaction.
   */
  async rate(actor: UserActor, id: string, body: RatingBody, meta?: RequestMeta): Promise<RatingView> {
    return this.repo.transaction(async (t) => {
      const { row } = await this.access.participant(actor, id, meta, t, 'patient');
      if (row.status !== 'completed') throw ConsultationErrors.notRateable(row.status);
      const saved = await this.repo.insertRating(
        {
          appointmentId: row.id,
          patientId: row.patientId,
          doctorId: row.doctorId,
          stars: body.stars,
          comment: body.comment ?? null,
        },
        t,
      );
      if (!saved) throw ConsultationErrors.alreadyRated();
      await this.providers.recordRating(row.doctorId, body.stars, t);
      return {
        consultationId: saved.appointmentId,
        stars: saved.stars,
        comment: saved.comment,
        createdAt: saved.createdAt.toISOString(),
      };
    });
  }

  private videoWindowOf(row: AppointmentRow) {
    const v = this.config.consultations.video;
    return videoWindow(row, v.joinEarlyMinutes, v.joinLateMinutes);
  }

  /** The caller's join while the room is open to them (a video appointment not ended, in the window). */
  private async openJoin(row: AppointmentRow, role: Role, actor: UserActor): Promise<VideoJoinView | null> {
    const w = this.videoWindowOf(row);
    const now = this.clock.now();
    if (row.type !== 'video' || !VIDEO_STATUSES.includes(row.status) || !within(w, now)) return null;
    const exp = tokenExpiry(now, this.config.consultations.video.tokenTtlSeconds, w.closesAt);
    const join = await this.video.join(row.id, { userId: actor.userId, role }, exp);
    return { ...join, expiresAt: join.expiresAt.toISOString() };
  }

  private async view(row: AppointmentRow, role: Role, actor: UserActor): Promise<ConsultationView> {
    const c = this.config.consultations;
    const checkIn = checkInWindow(row, c.checkInEarlyMinutes);
    const w = this.videoWindowOf(row);
    // A completed appointment is not changed again, so its last update is its completion.
    const completedAt = row.status === 'completed' ? row.updatedAt : null;
    return {
      id: row.id,
      appointment: toAppointmentView(row),
      status: row.status as AppointmentStatus,
      role,
      checkIn: { opensAt: checkIn.opensAt.toISOString(), closesAt: checkIn.closesAt.toISOString() },
      chatOpen: chatOpen(row.status, completedAt, c.chatAfterMinutes, this.clock.now()),
      video:
        row.type === 'video'
          ? {
              opensAt: w.opensAt.toISOString(),
              closesAt: w.closesAt.toISOString(),
              join: await this.openJoin(row, role, actor),
            }
          : null,
      rated: row.status === 'completed' ? Boolean(await this.repo.rating(row.id)) : false,
    };
  }
}
