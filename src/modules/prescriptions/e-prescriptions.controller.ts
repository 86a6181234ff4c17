import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  issuePrescriptionBody,
  prescriptionIdParam,
  prescriptionView,
  prescriptionsPage,
  prescriptionsQuery,
  revokeBody,
  rxCartResult,
  rxToCartBody,
  verificationView,
  verifyCodeParam,
  type IssuePrescriptionBody,
  type PrescriptionsQuery,
  type RevokeBody,
  type RxToCartBody,
} from './e-prescriptions.dto.js';
import { EPrescriptionsService } from './e-prescriptions.service.js';
import { RxFillService } from './rx-fill.service.js';

const READERS =
  'Its patient, its doctor, and a pharmacist of a branch where an order was filled against it (an admin: any); each read by someone other than the patient is audited with its purpose and request id. Anyone else gets 404 `prescriptions/not-found` like a missing id (audited).';

// Static segments (`uploads`, `verify/...`) take precedence over `:id` in the router: no collision.
@ApiTags('prescriptions')
@Controller('v1/prescriptions')
export class EPrescriptionsController {
  constructor(
    private readonly prescriptions: EPrescriptionsService,
    private readonly fills: RxFillService,
  ) {}

  @Can('prescriptions:read')
  @Get()
  @Route({
    operationId: 'listMyPrescriptions',
    summary: 'The caller’s e-prescriptions, newest first',
    description: 'Always the caller’s own, with each line’s dispensed units, what is left and refills left.',
    auth: { permission: 'prescriptions:read' },
    response: prescriptionsPage,
  })
  list(@Query({ schema: prescriptionsQuery }) query: PrescriptionsQuery, @CurrentActor() actor: UserActor) {
    return this.prescriptions.listMine(actor, query);
  }

  @Public()
  @Get('verify/:code')
  @Route({
    operationId: 'verifyPrescription',
    summary: 'Verify an e-prescription by its code (public: any pharmacy)',
    description:
      'The code from the prescription (or its QR content). Answers `valid`, `expired`, `revoked`, or `invalid` when the stored body no longer matches the server’s signature, with the issue and expiry dates, the doctor’s name and each line’s name, quantity and what is left: no patient identity, dose or consultation. An unknown code 404 `prescriptions/not-found`. Rate-limited per address like every public route.',
    auth: 'public',
    response: verificationView,
    errors: [404],
  })
  verify(@Param('code', { schema: verifyCodeParam }) code: string) {
    return this.prescriptions.verify(code);
  }

  @Can('prescriptions:read')
  @Get(':id')
  @Route({
    operationId: 'getPrescription',
    summary: 'One e-prescription, with its signature, code, QR content and refills left',
    description: READERS,
    auth: { permission: 'prescriptions:read' },
    response: prescriptionView,
    errors: [404],
  })
  get(
    @Param('id', { schema: prescriptionIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.prescriptions.get(actor, id, meta);
  }

  @Can('cart:write')
  @Post(':id/cart')
  @Idempotent()
  @Route({
    operationId: 'prescriptionToCart',
    summary: 'Fill the cart from an e-prescription',
    description:
      'The patient’s own prescription (else 404). Each line with units left goes to the cart linked to the prescription line (checkout then needs no photo): the prescribed product, or, where substitution is allowed (or for a generic line), the cheapest equivalent (same ingredients, strength and form) in stock at `branchId` when given. 409 `prescriptions/revoked`, `prescriptions/expired`, `prescriptions/fully-dispensed`, `prescriptions/not-in-stock`, or `prescriptions/early-refill` before 75% (config) of the line’s duration has passed since its last fill.',
    auth: { permission: 'cart:write' },
    response: rxCartResult,
    errors: [404, 409],
  })
  toCart(
    @Param('id', { schema: prescriptionIdParam }) id: string,
    @Body({ schema: rxToCartBody }) body: RxToCartBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.fills.toCart(actor, id, body, meta);
  }
}

@ApiTags('prescriptions')
@Controller('v1/doctor')
export class DoctorPrescriptionsController {
  constructor(private readonly prescriptions: EPrescriptionsService) {}

  @Can('practice:write')
  @Post('consultations/:id/prescriptions')
  @Idempotent()
  @Route({
    operationId: 'issuePrescription',
    summary: 'Issue a signed e-prescription in a consultation',
    description:
      'Only the consultation’s doctor (its id is its appointment’s; anyone else 404 `prescriptions/consultation-not-found`), while it is in progress or completed (else 409 `prescriptions/consultation-not-open`), approved with a licence valid today (409 `providers/license-expired`). For the consultation’s patient. Each line names a product or a generic ingredient + strength + form. Valid 90 days, 30 when a line is a controlled drug (config). Signed with the server’s Ed25519 key; carries a verification code and QR content. Immutable once issued.',
    auth: { permission: 'practice:write' },
    status: 201,
    response: prescriptionView,
    errors: [404, 409],
  })
  issue(
    @Param('id', { schema: prescriptionIdParam }) id: string,
    @Body({ schema: issuePrescriptionBody }) body: IssuePrescriptionBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.prescriptions.issue(actor, id, body, meta);
  }

  @Can('practice:write')
  @Get('prescriptions')
  @Route({
    operationId: 'listDoctorPrescriptions',
    summary: 'The e-prescriptions the signed-in doctor wrote, newest first',
    auth: { permission: 'practice:write' },
    response: prescriptionsPage,
  })
  list(@Query({ schema: prescriptionsQuery }) query: PrescriptionsQuery, @CurrentActor() actor: UserActor) {
    return this.prescriptions.listWritten(actor, query);
  }

  @Can('practice:write')
  @Post('prescriptions/:id/revoke')
  @Idempotent()
  @Route({
    operationId: 'revokePrescription',
    summary: 'Revoke an e-prescription the caller wrote',
    description:
      'Its doctor only (anyone else 404, audited). Issued → revoked with the reason; verification then answers `revoked` and no further fill is accepted. 409 `prescriptions/not-revocable` when already revoked.',
    auth: { permission: 'practice:write' },
    response: prescriptionView,
    errors: [404, 409],
  })
  revoke(
    @Param('id', { schema: prescriptionIdParam }) id: string,
    @Body({ schema: revokeBody }) body: RevokeBody,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.prescriptions.revoke(actor, id, body, meta);
  }
}
