export { PrescriptionsModule } from './prescriptions.module.js';
export { PrescriptionUploadsService, PRESCRIPTION_IMAGE_TYPES } from './prescription-uploads.service.js';
export { prescriptionUploadView, type PrescriptionUploadView } from './prescriptions.dto.js';
export { PrescriptionsMessages } from './prescriptions.errors.js';
// For orders: checkout fills e-prescription lines (fillForOrder), completion dispenses them (dispenseForOrder),
// the pharmacist's order view shows them (forOrder).
export { RxFillService, type RxOrderLine } from './rx-fill.service.js';
export { EPrescriptionsService } from './e-prescriptions.service.js';
export { PrescriptionSigner } from './prescription-signer.js';
export { prescriptionView, type PrescriptionView } from './e-prescriptions.dto.js';
export { PrescriptionEvents } from './prescriptions.events.js';
