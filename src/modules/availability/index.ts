export { AvailabilityModule } from './availability.module.js';
// For appointments: check that a booking names an offered slot (offeredSlot), and register the booked and held
// time (registerBusyTimeSource). For providers: gate which doctors are offered at all (setDoctorGate).
export { AvailabilityService } from './availability.service.js';
export { AvailabilitySeams, type BusyInterval, type BusyTimeSource, type DoctorGate } from './availability.seams.js';
export { freeSlots, type AvailabilityRules, type Slot, type Span } from './availability.rules.js';
export type { AvailabilityView, SlotsView } from './availability.dto.js';
export { AvailabilityMessages } from './availability.errors.js';
