export { PrescriptionsModule } from './prescriptions.module.js';
export { PrescriptionUploadsService, PRESCRIPTION_IMAGE_TYPES } from './prescription-uploads.service.js';
export { prescriptionUploadView, type PrescriptionUploadView } from './prescriptions.dto.js';
export { PrescriptionsMessages } from './prescriptions.errors.js';
