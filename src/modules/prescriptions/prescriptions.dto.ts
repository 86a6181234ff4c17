import { z } from 'zod';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';
import { fileView } from '../files/index.js';

export const uploadIdParam = idSchema;
export const uploadsQuery = pageQuery;
export type UploadsQuery = z.infer<typeof uploadsQuery>;

/** A note the customer adds to the photo (the doctor's name, which lines it covers). */
export const uploadNote = z.string().trim().min(1).max(500).optional();

export const prescriptionUploadView = z
  .object({
    id: z.string(),
    /** The photo: type sniffed from its bytes (JPEG, PNG or WebP), a short-lived private link. */
    file: fileView,
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'PrescriptionUpload' });
export type PrescriptionUploadView = z.infer<typeof prescriptionUploadView>;

export const prescriptionUploadsPage = pageSchema(prescriptionUploadView);
