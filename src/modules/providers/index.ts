export { ProvidersModule } from './providers.module.js';
export { ProvidersService, type BookableDoctor } from './providers.service.js';
export { ProvidersMessages } from './providers.errors.js';
export type { DoctorView, SpecialtyView } from './providers.dto.js';
