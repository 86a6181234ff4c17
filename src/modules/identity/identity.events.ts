/** Events identity publishes through the outbox (notifications and other modules subscribe). */
export const IdentityEvents = {
  userRegistered: 'identity.user.registered',
  doctorApproved: 'identity.doctor.approved',
  userSuspended: 'identity.user.suspended',
  userReactivated: 'identity.user.reactivated',
  passwordChanged: 'identity.password.changed',
  /** An email or phone was replaced: the old contact is told (identity.notices.ts). */
  contactChanged: 'identity.contact.changed',
  /** The account's code budget ran out: the owner is told through a verified contact. */
  recoveryPaused: 'identity.recovery.paused',
} as const;

export interface UserEvent {
  userId: string;
  type: 'customer' | 'doctor' | 'staff';
  locale: string;
}

export interface ContactChangedEvent extends UserEvent {
  kind: 'email' | 'phone';
  /** The replaced contact: the row no longer holds it, and it is where the notice goes. */
  previous: string;
  current: string;
}
