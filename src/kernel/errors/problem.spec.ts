import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
} from '@nestjs/common';
import { errorCodes } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { defineMessages } from './catalog.js';
import { normalizeError, toProblem } from './problem.js';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('normalizeError', () => {
  it('passes an AppError through as expected', () => {
    const err = new AppError('conflict', 'orders/insufficient-stock', 'Not enough stock');
    expect(normalizeError(err)).toEqual({ error: err, unexpected: false });
    expect(normalizeError(err).error).toBe(err);
  });

  describe('Nest HttpException', () => {
    it('maps 404 to common/route-not-found', () => {
      const { error, unexpected } = normalizeError(new NotFoundException('Cannot GET /v1/nope'));
      expect(error).toMatchObject({ kind: 'not_found', code: 'common/route-not-found', status: 404 });
      expect(unexpected).toBe(false);
    });

    it('maps a 400 about JSON to common/malformed-json', () => {
      const { error } = normalizeError(new BadRequestException('Unexpected token } in JSON at position 12'));
      expect(error).toMatchObject({ kind: 'validation', code: 'common/malformed-json', status: 400 });
      expect(error.message).toBe('The request body is not valid JSON');
    });

    it('maps another 400 to a validation error carrying the message', () => {
      const { error } = normalizeError(new BadRequestException('Bad thing'));
      expect(error).toMatchObject({ kind: 'validation', code: 'common/validation', message: 'Bad thing' });
    });

    it('derives the code from the status', () => {
      expect(normalizeError(new ForbiddenException()).error.code).toBe('common/forbidden');
      expect(normalizeError(new HttpException('slow down', 429)).error).toMatchObject({
        kind: 'rate_limited',
        code: 'common/rate-limited',
      });
      expect(normalizeError(new HttpException('x', 405)).error).toMatchObject({
        kind: 'method_not_allowed',
        code: 'common/method-not-allowed',
        status: 405,
      });
      expect(normalizeError(new HttpException('x', 413)).error).toMatchObject({
        kind: 'too_large',
        code: 'common/payload-too-large',
      });
      // Same stable code as Fastify's own 415 (below), so clients branch on one code.
      expect(normalizeError(new HttpException('x', 415)).error).toMatchObject({
        kind: 'unsupported_media',
        code: 'common/unsupported-media-type',
      });
      expect(normalizeError(new HttpException('x', 418)).error).toMatchObject({ kind: 'validation', status: 400 });
    });

    it('marks 5xx as unexpected', () => {
      const { error, unexpected } = normalizeError(new InternalServerErrorException('db exploded'));
      expect(error).toMatchObject({ kind: 'internal', status: 500 });
      expect(unexpected).toBe(true);
      expect(normalizeError(new HttpException('x', 502)).error.kind).toBe('internal');
    });
  });

  describe('Fastify errors', () => {
    it('maps FST_ERR_CTP_BODY_TOO_LARGE to 413', () => {
      const { error, unexpected } = normalizeError(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      expect(error).toMatchObject({ kind: 'too_large', code: 'common/payload-too-large', status: 413 });
      expect(unexpected).toBe(false);
    });

    it('maps FST_ERR_CTP_INVALID_MEDIA_TYPE to 415', () => {
      const { error } = normalizeError(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/x-weird'));
      expect(error).toMatchObject({ kind: 'unsupported_media', code: 'common/unsupported-media-type', status: 415 });
    });

    it('maps body-parsing failures to common/malformed-json', () => {
      for (const err of [
        new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(),
        new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(),
        new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(),
        Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 }),
      ]) {
        expect(normalizeError(err).error).toMatchObject({ code: 'common/malformed-json', status: 400 });
      }
    });

    it("maps the router's refusals (bad percent-encoding, over-long parameter) to 400 common/invalid-url", () => {
      for (const err of [
        new errorCodes.FST_ERR_BAD_URL('/v1/files/%E0%A4%A'),
        new errorCodes.FST_ERR_MAX_PARAM_LENGTH(`/v1/files/${'a'.repeat(101)}`),
      ]) {
        const { error, unexpected } = normalizeError(err);
        expect(error).toMatchObject({ kind: 'validation', code: 'common/invalid-url', status: 400 });
        expect(error.message).not.toContain('/v1/files');
        expect(unexpected).toBe(false);
      }
    });

    it('maps other 4xx status codes by kind and hides their message', () => {
      const { error, unexpected } = normalizeError(Object.assign(new Error('secret detail'), { statusCode: 404 }));
      expect(error).toMatchObject({
        kind: 'not_found',
        code: 'common/not-found',
        message: 'The request could not be processed',
      });
      expect(unexpected).toBe(false);
      expect(normalizeError(Object.assign(new Error('x'), { statusCode: 422 })).error).toMatchObject({
        kind: 'validation',
        status: 400,
      });
    });
  });

  describe('backing services down', () => {
    it.each([
      ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
      ['pg admin_shutdown 57P01', withCode('57P01', 'terminating connection due to administrator command')],
      ['statement timeout 57014', withCode('57014', 'canceling statement due to statement timeout')],
      ['nested in cause', new Error('Failed query: select 1', { cause: withCode('57P01') })],
      ['two levels deep', new Error('outer', { cause: new Error('middle', { cause: withCode('ECONNRESET') }) })],
      ['pg pool connect timeout', new Error('timeout exceeded when trying to connect')],
      ['connection terminated', new Error('Connection terminated unexpectedly')],
    ])('maps %s to 503 common/unavailable', (_label, err) => {
      const { error, unexpected } = normalizeError(err);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'common/unavailable', status: 503 });
      expect(unexpected).toBe(false);
    });

    it('stops looking after a few levels of cause', () => {
      let err: Error = withCode('ECONNREFUSED');
      for (let i = 0; i < 4; i++) err = new Error(`wrap ${i}`, { cause: err });
      expect(normalizeError(err).error.code).toBe('common/internal');
    });
  });

  it.each([
    ['a plain Error', new Error('kaboom')],
    ['a pg constraint error', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a string', 'oops'],
    ['undefined', undefined],
    ['null', null],
  ])('maps %s to 500 common/internal, unexpected', (_label, err) => {
    const { error, unexpected } = normalizeError(err);
    expect(error).toMatchObject({ kind: 'internal', code: 'common/internal', status: 500, message: 'Internal error' });
    expect(unexpected).toBe(true);
  });
});

describe('toProblem', () => {
  const weak = new AppError('validation', 'auth/weak-password', 'The password is too weak', {
    errors: [
      { field: 'password', code: 'too_small', message: 'must be at least 10 characters' },
      { field: 'password', code: 'common_password', message: 'is too common' },
    ],
  });

  it('builds an English problem with type, title, status, detail and code', () => {
    const p = toProblem(weak, 'en', { url: '/v1/auth/register?x=1', requestId: 'req-1' });
    expect(p).toEqual({
      type: 'https://medyour.dev/problems/auth/weak-password',
      title: 'Invalid request',
      status: 400,
      detail: 'The password is too weak',
      code: 'auth/weak-password',
      instance: '/v1/auth/register',
      requestId: 'req-1',
      errors: [
        { field: 'password', code: 'too_small', message: 'is too small or too short' },
        { field: 'password', code: 'common_password', message: 'is too common' },
      ],
    });
  });

  it('translates title, detail and known field messages to Arabic, keeping fields and codes', () => {
    defineMessages({ 'auth/weak-password': { en: 'The password is too weak', ar: 'كلمة المرور ضعيفة جداً' } });
    const p = toProblem(weak, 'ar', {});
    expect(p.title).toBe('طلب غير صالح');
    expect(p.detail).toBe('كلمة المرور ضعيفة جداً');
    expect(p.code).toBe('auth/weak-password');
    expect(p.errors).toEqual([
      { field: 'password', code: 'too_small', message: 'صغير أو قصير جداً' },
      { field: 'password', code: 'common_password', message: 'is too common' },
    ]);
    expect(p).not.toHaveProperty('instance');
    expect(p).not.toHaveProperty('requestId');
  });

  it('falls back to the developer message for an unknown code', () => {
    const err = new AppError('conflict', 'orders/some-new-code', 'Some new thing');
    expect(toProblem(err, 'ar', {}).detail).toBe('Some new thing');
    expect(toProblem(err, 'ar', {}).title).toBe('تعارض');
  });

  it('hides the internals of an unexpected error', () => {
    const p = toProblem(normalizeError(new Error('password=hunter2 at Pool.query')).error, 'en', {});
    expect(p).toMatchObject({ status: 500, code: 'common/internal', detail: 'Something went wrong on our side' });
    expect(JSON.stringify(p)).not.toContain('hunter2');
    expect(p).not.toHaveProperty('errors');
  });

  it('carries retryAfterSeconds, including zero', () => {
    const limited = new AppError('rate_limited', 'common/rate-limited', 'Too many', { retryAfterSeconds: 7 });
    expect(toProblem(limited, 'en', {})).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    const zero = new AppError('rate_limited', 'common/rate-limited', 'Too many', { retryAfterSeconds: 0 });
    expect(toProblem(zero, 'en', {}).retryAfterSeconds).toBe(0);
    expect(toProblem(weak, 'en', {})).not.toHaveProperty('retryAfterSeconds');
  });
});
