/** Events identity publishes through the outbox (notifications and other modules subscribe). */
export const IdentityEvents = {
  userRegistered: 'identity.user.registered',
  doctorApproved: 'identity.doctor.approved',
  userSuspended: 'identity.user.suspended',
  userReactivated: 'identity.user.reactivated',
  passwordChanged: 'identity.password.changed',
} as const;

export interface UserEvent {
  userId: string;
  type: 'customer' | 'doctor' | 'staff';
  locale: string;
}
