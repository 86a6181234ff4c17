import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AvailabilitySeams } from '../availability/index.js';
import { DoctorAccountHooks, type DoctorStatusChange } from '../identity/index.js';
import { ProviderErrors } from './providers.errors.js';
import { ProvidersRepository } from './providers.repository.js';
import { approvalRefusal, isoDay } from './providers.rules.js';

/**
 * The licence review inside identity's approval (registered at boot: identity must not import providers).
 * Approval needs a filled profile with a licence valid today, and records who approved and when (with the
 * account's name for the directory); a suspension or the reactivation that sends a doctor back to approval
 * takes the doctor out of the directory until the next approval. The profile row is locked, so a profile
 * saved at the same moment is reviewed as committed.
 */
@Injectable()
export class DoctorApprovalReview implements OnModuleInit {
  constructor(
    private readonly hooks: DoctorAccountHooks,
    private readonly repo: ProvidersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly seams: AvailabilitySeams,
  ) {}

  onModuleInit(): void {
    this.hooks.onStatusChange((change) => this.review(change));
  }

  async review(change: DoctorStatusChange): Promise<void> {
    const profile = await this.repo.lockProfile(change.doctorId, change.tx);
    if (change.to !== 'active') {
      if (profile) await this.repo.setApproval(change.doctorId, { approvedAt: null, approvedBy: null }, change.tx);
      // Out of booking now (in identity's transaction: a search loading before its commit is kept at most
      // the schedule cache's time to live).
      await this.seams.scheduleChanged(change.doctorId);
      return;
    }
    // Approved already (an approval asked again): who approved and when stay as recorded.
    if (profile?.approvedAt) return;
    switch (approvalRefusal(profile, isoDay(this.clock.now()))) {
      case 'profile-incomplete':
        throw ProviderErrors.profileIncomplete();
      case 'license-expired':
        throw ProviderErrors.licenseExpired();
    }
    await this.repo.setApproval(
      change.doctorId,
      { approvedAt: this.clock.now(), approvedBy: change.actor.userId, name: change.name },
      change.tx,
    );
    await this.seams.scheduleChanged(change.doctorId);
  }
}
