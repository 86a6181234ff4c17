import { createHmac } from 'node:crypto';

const MIN = 60_000;

export interface Window {
  opensAt: Date;
  closesAt: Date;
}

/** Whether `now` lies in [opensAt, closesAt). */
export const within = (w: Window, now: Date) => now >= w.opensAt && now < w.closesAt;

/** The waiting room: the patient checks in from `earlyMinutes` before the start until the end. */
export function checkInWindow(appt: { startsAt: Date; endsAt: Date }, earlyMinutes: number): Window {
  return { opensAt: new Date(appt.startsAt.getTime() - earlyMinutes * MIN), closesAt: appt.endsAt };
}

/** Video: the two participants join from `early` minutes before the start until `late` minutes after the end. */
export function videoWindow(appt: { startsAt: Date; endsAt: Date }, early: number, late: number): Window {
  return {
    opensAt: new Date(appt.startsAt.getTime() - early * MIN),
    closesAt: new Date(appt.endsAt.getTime() + late * MIN),
  };
}

/** Statuses whose room may be entered (a completed, cancelled or missed consultation has none). */
export const VIDEO_STATUSES: readonly string[] = ['booked', 'checked_in', 'in_progress'];

/**
 * Chat is open in the waiting room and during the consultation, and for `afterMinutes` after completion
 * (a last question, a file the doctor asked for). `completedAt` is when the appointment became completed.
 */
export function chatOpen(status: string, completedAt: Date | null, afterMinutes: number, now: Date): boolean {
  if (status === 'checked_in' || status === 'in_progress') return true;
  if (status !== 'completed' || !completedAt) return false;
  return now.getTime() < completedAt.getTime() + afterMinutes * MIN;
}

/**
 * The room of one appointment: a keyed hash of its id, so nobody without the secret can name another
 * consultation's room (Jitsi rooms are addressed by name), and no row has to hold it.
 */
export function roomName(secret: string, appointmentId: string): string {
  const mac = createHmac('sha256', secret).update(`medyour/room/v1:${appointmentId}`).digest('hex');
  return `medyour-${mac.slice(0, 40)}`;
}

/** A join token lives `ttlSeconds`, never past the window's close. Seconds since the epoch. */
export function tokenExpiry(now: Date, ttlSeconds: number, closesAt: Date): number {
  return Math.floor(Math.min(now.getTime() + ttlSeconds * 1000, closesAt.getTime()) / 1000);
}
