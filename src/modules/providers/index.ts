export { ProvidersModule } from './providers.module.js';
// For appointments and prescriptions: assertBookable / assertCanPrescribe (approved, licence valid on the day);
// for consultations: recordRating.
export { ProvidersService, type BookableDoctor } from './providers.service.js';
export { ProvidersMessages } from './providers.errors.js';
export type { DoctorView, SpecialtyView } from './providers.dto.js';
