import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors/index.js';
import { unstorableText } from '../../kernel/http/index.js';
import { cleanFileName } from './files.rules.js';

/** Documents an upload route's form: a required `file` part and these text fields. */
export const UploadForm = (fields: Record<string, Record<string, unknown>> = {}) =>
  applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary' }, ...fields },
      },
    }),
  );

/**
 * An upload route's form: multipart (else 415), with a file part (else 400 `files/no-file`), the file's name
 * cleaned of what a name must not hold, and its text fields.
 */
export async function readUpload(
  req: FastifyRequest,
): Promise<{ file: { bytes: Buffer; filename?: string }; fields: Record<string, string | undefined> }> {
  if (!req.isMultipart())
    throw new AppError('unsupported_media', 'common/unsupported-media-type', 'Send the file as multipart/form-data');
  const form = await readForm(req);
  if (!form.file) throw new AppError('validation', 'files/no-file', 'No file was uploaded');
  return { file: { bytes: form.file.bytes, filename: cleanFileName(form.file.filename) }, fields: form.fields };
}

/**
 * Reads the whole form. Fields may come before or after the file (clients differ), and a field after the
 * file can arrive in a later network chunk, so the body is read to its end rather than stopping at the file.
 */
export async function readForm(
  req: FastifyRequest,
): Promise<{ file?: { bytes: Buffer; filename: string }; fields: Record<string, string | undefined> }> {
  let file: { bytes: Buffer; filename: string } | undefined;
  const fields: Record<string, string | undefined> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') file = { bytes: await part.toBuffer(), filename: part.filename };
      else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  } catch (err) {
    // The multipart limit stops the stream at UPLOAD_LIMIT_BYTES; answer with the files module's own code.
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('too_large', 'files/too-large', 'The file is too large');
    // Limits and refusals of @fastify/multipart carry their status; the parser's own errors (no boundary,
    // a body cut short, garbage between boundaries) are plain Errors and are the client's fault, not a 500.
    if (err instanceof AppError || typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err;
    throw new AppError('validation', 'files/malformed-form', 'The multipart body is malformed');
  }
  // The global input pipe never sees a form: refuse here the text PostgreSQL cannot store (a NUL in a note).
  const unstorable = unstorableText(fields, '');
  if (unstorable.length > 0) throw AppError.validation(unstorable);
  return { file, fields };
}
