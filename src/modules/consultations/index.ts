export { ConsultationsModule } from './consultations.module.js';
// For prescriptions: assertDoctorOf(actor, consultationId, tx) → { appointmentId, doctorId, patientId, status }
// (a consultation's id is its appointment's id; anyone but its doctor 404 consultations/not-found, audited).
export { ConsultationsService, CONSULTATION_UPDATED_EVENT, type ConsultationRef } from './consultations.service.js';
export { ConsultationsMessages } from './consultations.errors.js';
export { CONSULTATION_MESSAGE_EVENT } from './consultation-chat.service.js';
export type { VideoRoomProvider, VideoJoin, RoomParticipant } from './video-room.provider.js';
// For the demo seed (and any caller speaking for a participant): the chat and the clinical notes.
export { ConsultationChatService } from './consultation-chat.service.js';
export { ConsultationNotesService } from './consultation-notes.service.js';
