export { IdentityModule } from './identity.module.js';
export { AdminBootstrapService, type ProvisionInput } from './admin-bootstrap.service.js';
export { AuthService } from './auth.service.js';
export { hashPassword } from './identity.passwords.js';
export { IdentityMessages } from './identity.errors.js';
export { DoctorAccountHooks, type DoctorStatusChange } from './doctor-account.hooks.js';
export { StaffPermissions } from './staff-permissions.service.js';
export { UserContacts, type UserContact } from './user-contacts.service.js';
