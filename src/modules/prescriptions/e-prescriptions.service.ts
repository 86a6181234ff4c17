import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { type UserActor } from '../../kernel/auth/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { OutboxService } from '../../kernel/events/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { newId } from '../../kernel/ids.js';
import { transition } from '../../kernel/state-machine.js';
import { AppointmentsService } from '../appointments/index.js';
import { AuditService } from '../audit/index.js';
import { ProductsService, ingredientsKeyOf } from '../catalog/index.js';
import { ProvidersService } from '../providers/index.js';
import type {
  IssuePrescriptionBody,
  PrescriptionView,
  PrescriptionsQuery,
  RevokeBody,
  VerificationView,
} from './e-prescriptions.dto.js';
import { EPrescriptionAccess } from './e-prescription-access.js';
import { prescriptionMachine, type PrescriptionStatus } from './e-prescriptions.machine.js';
import {
  EPrescriptionsRepository,
  type NewPrescriptionLine,
  type PrescriptionLineRow,
  type PrescriptionRow,
} from './e-prescriptions.repository.js';
import { newCode, normaliseCode, validUntil } from './e-prescriptions.rules.js';
import { doctorNameOf, prescriptionViewOf, signedBodyOf, verificationViewOf } from './e-prescriptions.view.js';
import { PrescriptionSigner } from './prescription-signer.js';
import { PrescriptionErrors } from './prescriptions.errors.js';
import { PrescriptionEvents } from './prescriptions.events.js';

const idCursor = cursorShape(cursorField.id);
/** A consultation may be prescribed from while it runs and after it (DOMAIN). */
const PRESCRIBABLE = ['in_progress', 'completed'];

/**
 * E-prescriptions (exported from index.ts): issued by the doctor of a consultation (its id is its
 * appointment's) for its patient, signed with the server's Ed25519 key, read by the patient, the doctor and
 * the pharmacists filling it, verified by anyone holding its code, revoked by its doctor.
 */
@Injectable()
export class EPrescriptionsService {
  constructor(
    private readonly repo: EPrescriptionsRepository,
    private readonly signer: PrescriptionSigner,
    private readonly access: EPrescriptionAccess,
    private readonly appointments: AppointmentsService,
    private readonly providers: ProvidersService,
    private readonly products: ProductsService,
    private readonly audit: AuditService,
    @Inject(OutboxService) private readonly outbox: OutboxService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** POST /v1/doctor/consultations/:id/prescriptions. */
  async issue(
    actor: UserActor,
    consultationId: string,
    body: IssuePrescriptionBody,
    meta?: RequestMeta,
  ): Promise<PrescriptionView> {
    // A non-participant gets appointments' 404 (audited there); the patient is no prescriber either.
    const appointment = await this.appointments.get(actor, consultationId, meta).catch((err: unknown) => {
      throw err instanceof AppError && err.kind === 'not_found' ? PrescriptionErrors.consultationNotFound() : err;
    });
    if (appointment.doctorId !== actor.userId)
      throw await this.audit.notYours(
        actor,
        'consultation',
        consultationId,
        meta,
        PrescriptionErrors.consultationNotFound(),
      );
    if (!PRESCRIBABLE.includes(appointment.status)) throw PrescriptionErrors.consultationNotOpen(appointment.status);
    const now = this.clock.now();
    // Approved, licence valid today (an expired licence blocks prescribing).
    await this.providers.assertCanPrescribe(actor.userId, now);
    const { doctor } = await this.providers.getDoctor(actor.userId);
    const lines = await this.resolveLines(body);
    const controlled = lines.some((l) => l.controlled);
    const { validityDays: normal, controlledValidityDays } = this.config.prescriptions;
    const issuedAt = new Date(now.getTime());
    const id = newId();
    const row = {
      id,
      appointmentId: appointment.id,
      doctorId: actor.userId,
      patientId: appointment.patientId,
      status: 'issued',
      code: newCode(),
      controlled,
      issuedAt,
      validUntil: validUntil(issuedAt, controlled, { normal, controlled: controlledValidityDays }),
    };
    const lineRows = lines.map((l) => ({ ...l, id: newId(), prescriptionId: id, dispensed: 0, lastFilledAt: null }));
    const body64 = signedBodyOf(
      {
        ...row,
        keyId: '',
        signature: '',
        signedBody: '',
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        createdAt: now,
      },
      lineRows,
      doctor.name,
    );
    const signed = this.signer.sign(body64);
    const saved = await this.repo.transaction(async (t) => {
      await this.repo.rememberKey(signed.keyId, signed.publicKey, t);
      const out = await this.repo.insert(
        { ...row, keyId: signed.keyId, signature: signed.signature, signedBody: body64 },
        lineRows,
        actor.userId,
        t,
      );
      await this.outbox.publish(
        PrescriptionEvents.updated,
        { prescriptionId: id, doctorId: actor.userId, patientId: row.patientId, from: null, to: 'issued' },
        t,
      );
      await this.audit.record(
        {
          actor,
          action: 'prescription.issued',
          subjectType: 'prescription',
          subjectId: id,
          meta,
          details: { consultationId },
        },
        t,
      );
      return out;
    });
    return this.view(saved.prescription, saved.lines);
  }

  /** Each line named by product (its form, substitute key, name and controlled flag) or as a generic. */
  private async resolveLines(body: IssuePrescriptionBody): Promise<NewPrescriptionLine[]> {
    const out: NewPrescriptionLine[] = [];
    for (const [i, l] of body.lines.entries()) {
      const common = {
        lineNo: i + 1,
        dose: l.dose,
        frequency: l.frequency,
        durationDays: l.durationDays,
        quantity: l.quantity,
        refills: l.refills,
        substitutionAllowed: l.substitutionAllowed,
      };
      if (l.productId) {
        const product = await this.products.getPublic(l.productId).catch((err: unknown) => {
          throw err instanceof AppError && err.kind === 'not_found'
            ? PrescriptionErrors.productNotFound(`lines.${i}.productId`)
            : err;
        });
        out.push({
          ...common,
          productId: product.id,
          ingredient: null,
          strength: null,
          form: product.form,
          ingredientsKey: ingredientsKeyOf(product.ingredients),
          name: product.nameEn,
          controlled: product.controlled,
        });
      } else {
        const key = ingredientsKeyOf([{ name: l.ingredient!, strength: l.strength! }]);
        // A generic is controlled when any product it could be filled with is.
        const equivalents = await this.products.equivalents(key, l.form!);
        out.push({
          ...common,
          productId: null,
          ingredient: l.ingredient!,
          strength: l.strength!,
          form: l.form!,
          ingredientsKey: key,
          name: `${l.ingredient} ${l.strength}`,
          controlled: equivalents.some((p) => p.controlled),
        });
      }
    }
    return out;
  }

  /** GET /v1/prescriptions: the caller's own, newest first. */
  async listMine(actor: UserActor, query: PrescriptionsQuery): Promise<Page<PrescriptionView>> {
    return this.page('patient', actor.userId, query);
  }

  /** GET /v1/doctor/prescriptions: those the signed-in doctor wrote. */
  async listWritten(actor: UserActor, query: PrescriptionsQuery): Promise<Page<PrescriptionView>> {
    return this.page('doctor', actor.userId, query);
  }

  private async page(by: 'patient' | 'doctor', userId: string, query: PrescriptionsQuery) {
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.list(by, userId, after?.[0], query.limit + 1);
    const page = toPage(rows, query.limit, (r) => [r.id]);
    const lines = await this.repo.linesOf(page.items.map((r) => r.id));
    return { items: page.items.map((r) => this.view(r, lines.get(r.id) ?? [])), nextCursor: page.nextCursor };
  }

  /** GET /v1/prescriptions/:id: its patient, its doctor, a pharmacist filling it (audited), else 404 (audited). */
  async get(actor: UserActor, id: string, meta?: RequestMeta): Promise<PrescriptionView> {
    const row = await this.access.readable(actor, id, meta);
    const lines = (await this.repo.linesOf([id])).get(id) ?? [];
    return this.view(row, lines);
  }

  /** POST /v1/doctor/prescriptions/:id/revoke: its doctor only (anyone else 404, audited). */
  async revoke(actor: UserActor, id: string, body: RevokeBody, meta?: RequestMeta): Promise<PrescriptionView> {
    const row = await this.repo.transaction(async (t) => {
      const found = await this.repo.lock(id, t);
      if (!found) throw PrescriptionErrors.notFound();
      if (found.doctorId !== actor.userId)
        throw await this.audit.notYours(actor, 'prescription', id, meta, PrescriptionErrors.notFound());
      const from = found.status as PrescriptionStatus;
      if (from !== 'issued') throw PrescriptionErrors.notIssued(from);
      return transition(
        prescriptionMachine,
        { from, to: 'revoked', actor },
        {
          move: () => this.repo.revoke(id, actor.userId, body.reason, this.clock.now(), t),
          current: async () => (await this.repo.find(id, t))?.status as PrescriptionStatus | undefined,
        },
        {
          after: async () => {
            await this.repo.appendTransition(
              { prescriptionId: id, fromStatus: from, toStatus: 'revoked', actorId: actor.userId, reason: body.reason },
              t,
            );
            await this.outbox.publish(
              PrescriptionEvents.updated,
              { prescriptionId: id, doctorId: found.doctorId, patientId: found.patientId, from, to: 'revoked' },
              t,
            );
          },
        },
      );
    });
    const lines = (await this.repo.linesOf([id])).get(id) ?? [];
    return this.view(row, lines);
  }

  /** GET /v1/prescriptions/verify/:code (public). An unknown code answers 404 like any missing thing. */
  async verify(input: string): Promise<VerificationView> {
    const code = normaliseCode(input);
    const row = code ? await this.repo.findByCode(code) : undefined;
    if (!row) throw PrescriptionErrors.notFound();
    const lines = (await this.repo.linesOf([row.id])).get(row.id) ?? [];
    return verificationViewOf(row, lines, this.signatureHolds(row, lines), this.clock.now());
  }

  /** The stored body verifies against its signature and still says what the row says. */
  signatureHolds(row: PrescriptionRow, lines: readonly PrescriptionLineRow[]): boolean {
    return (
      this.signer.verify(row.keyId, row.signedBody, row.signature) &&
      signedBodyOf(row, lines, doctorNameOf(row)) === row.signedBody
    );
  }

  view(row: PrescriptionRow, lines: readonly PrescriptionLineRow[]): PrescriptionView {
    const { verifyUrl, refillAfterPercent } = this.config.prescriptions;
    return prescriptionViewOf(row, lines, { now: this.clock.now(), verifyUrl, refillAfterPercent });
  }
}
