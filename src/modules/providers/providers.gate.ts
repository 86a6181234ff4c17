import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DbOrTx } from '../../db/client.js';
import { AvailabilitySeams, type DoctorGate } from '../availability/index.js';
import { ProvidersRepository } from './providers.repository.js';
import { isoDay, practiceRefusal } from './providers.rules.js';

/**
 * Tells availability which doctors are offered at all (registered at boot: availability must not import
 * providers): approved, with a licence valid on the slot's day, the rule booking uses (assertBookable).
 */
@Injectable()
export class ProvidersDoctorGate implements DoctorGate, OnModuleInit {
  constructor(
    private readonly seams: AvailabilitySeams,
    private readonly repo: ProvidersRepository,
  ) {}

  onModuleInit(): void {
    this.seams.setDoctorGate(this);
  }

  async bookable(doctorId: string, at: Date, tx?: DbOrTx): Promise<boolean> {
    return practiceRefusal(await this.repo.findProfile(doctorId, tx), isoDay(at)) === null;
  }

  /** Approved: through the licence's expiry day (practiceRefusal's rule read ahead); else never. */
  async bookableThrough(doctorId: string, tx?: DbOrTx): Promise<string | null> {
    const profile = await this.repo.findProfile(doctorId, tx);
    return profile && profile.approvedAt !== null ? profile.licenseExpiresOn : null;
  }
}
