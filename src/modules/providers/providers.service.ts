import { Inject, Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
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
import { AuditService } from '../audit/index.js';
import { AvailabilitySeams } from '../availability/index.js';
import type {
  AdminSpecialtyView,
  CreateSpecialtyBody,
  DoctorsQuery,
  DoctorView,
  OwnProfileView,
  ProfileBody,
  SpecialtyView,
  UpdateSpecialtyBody,
} from './providers.dto.js';
import { ProviderErrors, providerWriteError } from './providers.errors.js';
import { ProvidersRepository } from './providers.repository.js';
import { isoDay, licenseValidOn, needsReview, practiceRefusal } from './providers.rules.js';
import { toAdminSpecialtyView, toDoctorView, toOwnProfileView, toSpecialtyView } from './providers.view.js';

const doctorsCursor = cursorShape(cursorField.id);
/**
 * practice:write is a doctor's; an admin holds every permission (past the guard) but has no practice of their
 * own, so the account type is checked here.
 */
const assertDoctor = (actor: UserActor) => {
  if (actor.accountType !== 'doctor') throw ProviderErrors.notADoctor();
};
const rethrow = (err: unknown): never => {
  throw providerWriteError(err);
};

/**
 * Specialties, doctor profiles and the public directory. A doctor's id is their user id; a doctor only ever
 * reads and writes their own profile (the actor's id, never a path parameter).
 */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly repo: ProvidersRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly seams: AvailabilitySeams,
  ) {}

  async createSpecialty(
    actor: UserActor,
    body: CreateSpecialtyBody,
    meta: RequestMeta,
  ): Promise<{ specialty: AdminSpecialtyView }> {
    const row = await this.repo
      .transaction(async (tx) => {
        const created = await this.repo.insertSpecialty(
          { nameEn: body.nameEn, nameAr: body.nameAr, icon: body.icon ?? null },
          tx,
        );
        await this.audit.record(
          { actor, action: 'providers.specialty_created', subjectType: 'specialty', subjectId: created.id, meta },
          tx,
        );
        return created;
      })
      .catch(rethrow);
    return { specialty: toAdminSpecialtyView(row) };
  }

  async updateSpecialty(
    actor: UserActor,
    id: string,
    body: UpdateSpecialtyBody,
    meta: RequestMeta,
  ): Promise<{ specialty: AdminSpecialtyView }> {
    const row = await this.repo
      .transaction(async (tx) => {
        const updated = await this.repo.updateSpecialty(id, body, tx);
        if (!updated) throw ProviderErrors.specialtyNotFound();
        await this.audit.record(
          {
            actor,
            action: 'providers.specialty_updated',
            subjectType: 'specialty',
            subjectId: id,
            meta,
            details: { fields: Object.keys(body) },
          },
          tx,
        );
        return updated;
      })
      .catch(rethrow);
    return { specialty: toAdminSpecialtyView(row) };
  }

  async listSpecialties(): Promise<{ items: SpecialtyView[] }> {
    return { items: (await this.repo.listActiveSpecialties()).map(toSpecialtyView) };
  }

  async ownProfile(actor: UserActor): Promise<{ profile: OwnProfileView | null }> {
    assertDoctor(actor);
    const row = await this.repo.findProfile(actor.userId);
    if (!row) return { profile: null };
    const specialties = await this.repo.specialtiesOf([row.userId]);
    return { profile: toOwnProfileView(row, specialties.get(row.userId) ?? []) };
  }

  /**
   * Replaces the signed-in doctor's profile (pending approval may already fill it). Every specialty must be
   * active, the licence valid today. Rating stays; approval too, unless the licence number or expiry changed
   * (needsReview): then the doctor waits for an admin's review again.
   */
  async putProfile(actor: UserActor, body: ProfileBody, meta: RequestMeta): Promise<{ profile: OwnProfileView }> {
    assertDoctor(actor);
    if (!licenseValidOn(body.licenseExpiresOn, isoDay(this.clock.now()))) throw ProviderErrors.licenseInPast();
    const specialtyIds = [...new Set(body.specialtyIds)];
    const languages = [...new Set(body.languages)];
    const { row, specialties } = await this.repo
      .transaction(async (tx) => {
        if ((await this.repo.activeSpecialtyIds(specialtyIds, tx)).length !== specialtyIds.length)
          throw ProviderErrors.unknownSpecialty();
        const before = await this.repo.lockProfile(actor.userId, tx);
        let row = await this.repo.upsertProfile(
          {
            userId: actor.userId,
            licenseNumber: body.licenseNumber,
            licenseExpiresOn: body.licenseExpiresOn,
            languages,
            bioEn: body.bioEn,
            bioAr: body.bioAr,
            videoFeeMinor: body.videoFeeMinor,
            clinicFeeMinor: body.clinicFeeMinor,
            clinicBranchId: body.clinicBranchId ?? null,
          },
          tx,
        );
        // The admin approved the licence they reviewed: a new licence number or expiry is reviewed again, and
        // the doctor leaves the directory until then (an expired licence cannot be renewed by typing a date).
        const review = needsReview(before, body);
        if (review) {
          await this.repo.setApproval(actor.userId, { approvedAt: null, approvedBy: null }, tx);
          row = { ...row, approvedAt: null, approvedBy: null };
        }
        await this.repo.replaceSpecialties(actor.userId, specialtyIds, tx);
        await this.audit.record(
          {
            actor,
            action: 'providers.profile_saved',
            subjectType: 'doctor',
            subjectId: actor.userId,
            meta,
            details: { licenseNumber: body.licenseNumber, licenseExpiresOn: body.licenseExpiresOn, review },
          },
          tx,
        );
        return { row, specialties: (await this.repo.specialtiesOf([actor.userId], tx)).get(actor.userId) ?? [] };
      })
      .catch(rethrow);
    // A licence reviewed again takes the doctor out of booking: the slot search reads the gate again.
    await this.seams.scheduleChanged(actor.userId);
    return { profile: toOwnProfileView(row, specialties) };
  }

  /** The public directory: approved doctors with a licence valid today. */
  async listDoctors(query: DoctorsQuery): Promise<Page<DoctorView>> {
    const after = decodeCursor(query.cursor, doctorsCursor);
    const rows = await this.repo.listDirectory(
      {
        day: isoDay(this.clock.now()),
        specialtyId: query.specialtyId,
        language: query.language,
        q: query.q,
        before: after?.[0],
      },
      query.limit + 1,
    );
    const specialties = await this.repo.specialtiesOf(rows.slice(0, query.limit).map((r) => r.userId));
    return toPage(
      rows,
      query.limit,
      (r) => [r.userId],
      (r) => toDoctorView(r, specialties.get(r.userId) ?? []),
    );
  }

  /** One listed doctor; unapproved, expired and unknown ids (customers included) answer the same 404. */
  async getDoctor(id: string): Promise<{ doctor: DoctorView }> {
    const row = await this.repo.findListed(id, isoDay(this.clock.now()));
    if (!row) throw ProviderErrors.doctorNotFound();
    const specialties = await this.repo.specialtiesOf([row.userId]);
    return { doctor: toDoctorView(row, specialties.get(row.userId) ?? []) };
  }

  /**
   * For booking (appointments): the doctor is approved and licensed on the appointment's day, else an
   * AppError (404 unknown, 409 not approved or licence expired). Runs in the caller's transaction when given.
   */
  async assertBookable(doctorId: string, on: Date, tx?: DbOrTx): Promise<BookableDoctor> {
    const row = await this.repo.findProfile(doctorId, tx);
    switch (practiceRefusal(row, isoDay(on))) {
      case 'not-found':
        throw ProviderErrors.doctorNotFound();
      case 'not-approved':
        throw ProviderErrors.notApproved();
      case 'license-expired':
        throw ProviderErrors.licenseExpired();
    }
    return {
      doctorId: row!.userId,
      videoFeeMinor: row!.videoFeeMinor,
      clinicFeeMinor: row!.clinicFeeMinor,
      clinicBranchId: row!.clinicBranchId,
    };
  }

  /**
   * For consultations: one patient's 1-5 rating after a completed appointment (the caller makes sure it is
   * once per appointment), in the caller's transaction. The average is derived from count and sum.
   */
  async recordRating(doctorId: string, stars: number, tx?: DbOrTx): Promise<void> {
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw ProviderErrors.badRating();
    const found = await this.repo.transaction((t) => this.repo.addRating(doctorId, stars, t), tx);
    if (!found) throw ProviderErrors.doctorNotFound();
  }

  /** For prescribing: the same rule as booking, on the day of issue. */
  async assertCanPrescribe(doctorId: string, on: Date, tx?: DbOrTx): Promise<void> {
    await this.assertBookable(doctorId, on, tx);
  }
}

/** What booking needs of a doctor it may book. */
export interface BookableDoctor {
  doctorId: string;
  videoFeeMinor: number;
  clinicFeeMinor: number;
  clinicBranchId: string | null;
}
