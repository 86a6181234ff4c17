import { errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { JitsiVideoProvider } from './jitsi.video-provider.js';
import { chatOpen, checkInWindow, roomName, tokenExpiry, videoWindow, within } from './consultations.rules.js';

const SECRET = 'a-video-secret-for-this-spec-only-0123456789';
const config = loadConfig({ NODE_ENV: 'test', VIDEO_JITSI_SECRET: SECRET, VIDEO_JITSI_DOMAIN: 'meet.example.com' });
const now = new Date('2031-05-01T10:00:00Z');
const provider = new JitsiVideoProvider(config, { now: () => now });
const key = new TextEncoder().encode(SECRET);
const APPT = '0190a0c8-0000-7000-8000-000000000001';

describe('JitsiVideoProvider', () => {
  it('signs a token that verifies with the secret and names the room, the user and the domain', async () => {
    const exp = Math.floor(now.getTime() / 1000) + 300;
    const join = await provider.join(APPT, { userId: 'user-1', role: 'doctor' }, exp);
    expect(join.url).toBe(`https://meet.example.com/${join.room}?jwt=${join.token}`);
    const { payload, protectedHeader } = await jwtVerify(join.token, key, {
      audience: 'jitsi',
      issuer: 'medyour',
      currentDate: now,
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      room: join.room,
      sub: 'meet.example.com',
      exp,
      context: { user: { id: 'user-1', moderator: true } },
    });
    const patient = await provider.join(APPT, { userId: 'user-2', role: 'patient' }, exp);
    expect((await jwtVerify(patient.token, key, { currentDate: now })).payload).toMatchObject({
      room: join.room,
      context: { user: { id: 'user-2', moderator: false } },
    });
  });

  it('refuses the token once expired, and with another secret', async () => {
    const exp = Math.floor(now.getTime() / 1000) + 60;
    const { token } = await provider.join(APPT, { userId: 'u', role: 'patient' }, exp);
    await expect(jwtVerify(token, key, { currentDate: new Date(now.getTime() + 61_000) })).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
    await expect(
      jwtVerify(token, new TextEncoder().encode('another-secret-of-enough-length-0123456789'), { currentDate: now }),
    ).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('names one unguessable room per appointment', () => {
    const a = provider.roomFor(APPT);
    expect(a).toMatch(/^medyour-[0-9a-f]{40}$/);
    expect(provider.roomFor(APPT)).toBe(a);
    expect(provider.roomFor('0190a0c8-0000-7000-8000-000000000002')).not.toBe(a);
    expect(roomName('another-secret-of-enough-length-0123456789', APPT)).not.toBe(a);
  });
});

describe('consultation windows', () => {
  const appt = { startsAt: new Date('2031-05-01T10:00:00Z'), endsAt: new Date('2031-05-01T10:30:00Z') };
  it('opens video from 10 minutes before until 30 after the end, and caps a token at the close', () => {
    const w = videoWindow(appt, 10, 30);
    expect(within(w, new Date('2031-05-01T09:49:59Z'))).toBe(false);
    expect(within(w, new Date('2031-05-01T09:50:00Z'))).toBe(true);
    expect(within(w, new Date('2031-05-01T10:59:59Z'))).toBe(true);
    expect(within(w, new Date('2031-05-01T11:00:00Z'))).toBe(false);
    expect(tokenExpiry(new Date('2031-05-01T10:58:00Z'), 300, w.closesAt)).toBe(w.closesAt.getTime() / 1000);
  });
  it('opens check-in early minutes before the start until the end', () => {
    const w = checkInWindow(appt, 15);
    expect(w.opensAt.toISOString()).toBe('2031-05-01T09:45:00.000Z');
    expect(w.closesAt).toEqual(appt.endsAt);
  });
  it('keeps chat open in the waiting room, the consultation and a while after completion', () => {
    const done = new Date('2031-05-01T10:30:00Z');
    expect(chatOpen('booked', null, 60, now)).toBe(false);
    expect(chatOpen('checked_in', null, 60, now)).toBe(true);
    expect(chatOpen('in_progress', null, 60, now)).toBe(true);
    expect(chatOpen('completed', done, 60, new Date('2031-05-01T11:29:00Z'))).toBe(true);
    expect(chatOpen('completed', done, 60, new Date('2031-05-01T11:30:00Z'))).toBe(false);
    expect(chatOpen('cancelled', null, 60, now)).toBe(false);
  });
});

describe('video configuration', () => {
  const prod = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://u:p@db:5432/medyour',
    JWT_SECRET: 'a-production-secret-that-is-long-enough-0123',
  };
  it('refuses to boot in production on the development video secret', () => {
    expect(() => loadConfig(prod)).toThrow(/VIDEO_JITSI_SECRET is the development default/);
    // With a real secret the video check passes (other production checks may still ask for their keys).
    let message = '';
    try {
      loadConfig({ ...prod, VIDEO_JITSI_SECRET: SECRET });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toMatch(/VIDEO_JITSI_SECRET/);
  });
  it('refuses a short secret and a domain with a path', () => {
    expect(() => loadConfig({ VIDEO_JITSI_SECRET: 'short' })).toThrow(/VIDEO_JITSI_SECRET/);
    expect(() => loadConfig({ VIDEO_JITSI_DOMAIN: 'meet.example.com/evil' })).toThrow(/VIDEO_JITSI_DOMAIN/);
  });
});
