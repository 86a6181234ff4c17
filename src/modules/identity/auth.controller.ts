import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { CredentialRateLimit, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { AuthService } from './auth.service.js';
import {
  acceptedResponse,
  emailRequestBody,
  emailVerifyBody,
  forgotBody,
  loginBody,
  logoutBody,
  okResponse,
  otpRequestBody,
  otpVerifyBody,
  refreshBody,
  registerBody,
  resetBody,
  tokenResponse,
} from './identity.dto.js';
import { OtpService } from './otp.service.js';
import { z } from 'zod';

const ACCEPTED = { accepted: true as const, message: 'If the account exists, a code has been sent.' };

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly otp: OtpService,
  ) {}

  @Public()
  @CredentialRateLimit('email')
  @Post('register')
  @Route({
    summary: 'Create a customer or doctor account',
    auth: 'public',
    status: 201,
    response: tokenResponse,
    errors: [409],
  })
  register(@Body({ schema: registerBody }) body: z.infer<typeof registerBody>, @ReqMeta() meta: RequestMeta) {
    return this.auth.register(body, meta);
  }

  @Public()
  // Per identifier and address: the per-identifier limit is LoginThrottleService's backstop.
  @CredentialRateLimit('identifier', { perAddress: true })
  @Post('login')
  @Route({
    summary: 'Log in with email or phone and password',
    auth: 'public',
    response: tokenResponse,
    errors: [401, 403, 423, 429],
  })
  login(@Body({ schema: loginBody }) body: z.infer<typeof loginBody>, @ReqMeta() meta: RequestMeta) {
    return this.auth.login(body.identifier, body.password, meta);
  }

  @Public()
  @Post('refresh')
  @Route({ summary: 'Rotate a refresh token', auth: 'public', response: tokenResponse, errors: [401] })
  refresh(@Body({ schema: refreshBody }) body: z.infer<typeof refreshBody>, @ReqMeta() meta: RequestMeta) {
    return this.auth.refresh(body.refreshToken, meta);
  }

  @Can('profile:read')
  @Post('logout')
  @Route({ summary: 'End this session', auth: { permission: 'profile:read' }, response: okResponse })
  async logout(
    @Body({ schema: logoutBody }) _body: unknown,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    await this.auth.logout(actor, meta);
    return { ok: true as const };
  }

  @Can('profile:read')
  @Post('logout-all')
  @Route({ summary: 'End every session of this account', auth: { permission: 'profile:read' }, response: okResponse })
  async logoutAll(@CurrentActor() actor: UserActor, @ReqMeta() meta: RequestMeta) {
    await this.auth.logoutAll(actor, meta);
    return { ok: true as const };
  }

  @Public()
  @CredentialRateLimit('phone')
  @Post('otp/request')
  @Route({
    operationId: 'requestOtp',
    summary: 'Send a phone verification code',
    auth: 'public',
    status: 202,
    response: acceptedResponse,
  })
  async otpRequest(
    @Body({ schema: otpRequestBody }) body: z.infer<typeof otpRequestBody>,
    @ReqMeta() meta: RequestMeta,
  ) {
    await this.otp.requestPhoneVerification(body.phone, meta);
    return ACCEPTED;
  }

  @Public()
  @CredentialRateLimit('phone')
  @Post('otp/verify')
  @Route({ operationId: 'verifyOtp', summary: 'Verify a phone with its code', auth: 'public', response: okResponse })
  async otpVerify(@Body({ schema: otpVerifyBody }) body: z.infer<typeof otpVerifyBody>, @ReqMeta() meta: RequestMeta) {
    await this.otp.verifyPhone(body.phone, body.code, meta);
    return { ok: true as const };
  }

  @Public()
  @CredentialRateLimit('email')
  @Post('email/request')
  @Route({
    operationId: 'requestEmailVerification',
    summary: 'Send an email verification code (to the address itself)',
    auth: 'public',
    status: 202,
    response: acceptedResponse,
  })
  async emailRequest(
    @Body({ schema: emailRequestBody }) body: z.infer<typeof emailRequestBody>,
    @ReqMeta() meta: RequestMeta,
  ) {
    await this.otp.requestEmailVerification(body.email, meta);
    return ACCEPTED;
  }

  @Public()
  @CredentialRateLimit('email')
  @Post('email/verify')
  @Route({
    operationId: 'verifyEmail',
    summary: 'Verify an email address with its code',
    auth: 'public',
    response: okResponse,
  })
  async emailVerify(
    @Body({ schema: emailVerifyBody }) body: z.infer<typeof emailVerifyBody>,
    @ReqMeta() meta: RequestMeta,
  ) {
    await this.otp.verifyEmail(body.email, body.code, meta);
    return { ok: true as const };
  }

  @Public()
  @CredentialRateLimit('identifier')
  @Post('password/forgot')
  @Route({
    operationId: 'forgotPassword',
    summary: 'Send a password reset code',
    auth: 'public',
    status: 202,
    response: acceptedResponse,
  })
  async forgot(@Body({ schema: forgotBody }) body: z.infer<typeof forgotBody>, @ReqMeta() meta: RequestMeta) {
    await this.otp.forgotPassword(body.identifier, meta);
    return ACCEPTED;
  }

  @Public()
  @CredentialRateLimit('identifier')
  @Post('password/reset')
  @Route({
    operationId: 'resetPassword',
    summary: 'Set a new password with a reset code',
    auth: 'public',
    response: okResponse,
  })
  async reset(@Body({ schema: resetBody }) body: z.infer<typeof resetBody>, @ReqMeta() meta: RequestMeta) {
    await this.otp.resetPassword(body.identifier, body.code, body.newPassword, meta);
    return { ok: true as const };
  }
}
