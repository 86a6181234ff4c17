export { AppointmentsModule } from './appointments.module.js';
// For consultations: read a participant's appointment and take lifecycle steps (advance) in their transaction.
export { AppointmentsService } from './appointments.service.js';
export { appointmentView as toAppointmentView } from './appointments.view.js';
export type { AppointmentRow } from './appointments.repository.js';
export { appointmentView, type AppointmentView } from './appointments.dto.js';
export { appointmentMachine, APPOINTMENT_STATUSES, type AppointmentStatus } from './appointments.machine.js';
export { AppointmentEvents } from './appointments.events.js';
export { AppointmentsMessages } from './appointments.errors.js';
