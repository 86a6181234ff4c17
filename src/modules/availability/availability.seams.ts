import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';

/** A range of real time [startsAt, endsAt). */
export interface BusyInterval {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Time a doctor is taken by something other than their schedule: the appointments module registers one
 * (booked and held appointments) with `AvailabilitySeams.registerBusyTimeSource` at init, so availability
 * never imports appointments (which imports availability to check that a booking names an offered slot).
 *
 * Each interval is the occupied range buffers included, as the appointments' exclusion constraint holds it:
 * [startsAt, endsAt + bufferMinutes). A slot is free when it and the buffer after it overlap none of them.
 * With no source registered a doctor has no busy time.
 */
export interface BusyTimeSource {
  /** The doctor's busy intervals overlapping [from, to); in the caller's transaction when given one. */
  busyBetween(doctorId: string, from: Date, to: Date, tx?: DbOrTx): Promise<BusyInterval[]>;
}

/**
 * Whether a doctor may be offered for booking at all (the providers module: approved, licence valid on the
 * day). With none registered every doctor with availability is offered; one that is not answers slot
 * searches 404 like an unknown id.
 */
export interface DoctorGate {
  bookable(doctorId: string, at: Date, tx?: DbOrTx): Promise<boolean>;
  /** The last day (YYYY-MM-DD, UTC) the doctor may be booked on as things stand (licence expiry), or null: never. */
  bookableThrough(doctorId: string, tx?: DbOrTx): Promise<string | null>;
}

/** No gate registered: every doctor with availability may be booked on any day. */
const ALWAYS = '9999-12-31';

/** The registries other modules fill at init (exported from index.ts). */
@Injectable()
export class AvailabilitySeams {
  private readonly sources: BusyTimeSource[] = [];
  private gate: DoctorGate | undefined;
  private readonly changed: ((doctorId: string) => Promise<void>)[] = [];

  /** Availability's schedule cache listens here (doctor-schedules.ts). */
  onScheduleChanged(listener: (doctorId: string) => Promise<void>): void {
    this.changed.push(listener);
  }

  /**
   * What a doctor may be booked for changed outside availability (providers: approval, licence): the slot
   * search reads it again. Call after the change commits.
   */
  async scheduleChanged(doctorId: string): Promise<void> {
    for (const listener of this.changed) await listener(doctorId);
  }

  registerBusyTimeSource(source: BusyTimeSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  /** One gate: a second registration replaces the first (there is one providers module). */
  setDoctorGate(gate: DoctorGate): void {
    this.gate = gate;
  }

  async busyBetween(doctorId: string, from: Date, to: Date, tx?: DbOrTx): Promise<BusyInterval[]> {
    // One after the other: a transaction is one connection.
    const out: BusyInterval[] = [];
    for (const source of this.sources) out.push(...(await source.busyBetween(doctorId, from, to, tx)));
    return out;
  }

  bookable(doctorId: string, at: Date, tx?: DbOrTx): Promise<boolean> {
    return this.gate ? this.gate.bookable(doctorId, at, tx) : Promise.resolve(true);
  }

  bookableThrough(doctorId: string, tx?: DbOrTx): Promise<string | null> {
    return this.gate ? this.gate.bookableThrough(doctorId, tx) : Promise.resolve(ALWAYS);
  }
}
