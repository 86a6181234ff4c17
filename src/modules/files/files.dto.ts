import { z } from 'zod';
import { idSchema } from '../../kernel/http/index.js';
import { FILE_PURPOSES } from './files.rules.js';

export const filePurpose = z.enum(FILE_PURPOSES).default('attachment');
export const fileView = z.object({
  id: z.string(),
  purpose: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  originalName: z.string().nullable(),
  createdAt: z.string(),
  downloadUrl: z.string(),
  downloadUrlExpiresAt: z.string(),
});
export type FileView = z.infer<typeof fileView>;
export const downloadQuery = z.strictObject({
  expires: z.coerce.number().int().positive(),
  signature: z.string().min(10).max(100),
});
export const fileIdParam = idSchema;
