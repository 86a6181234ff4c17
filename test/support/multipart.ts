import { randomUUID } from 'node:crypto';

/** A real 1x1 PNG: the smallest file the upload route accepts. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
export const TEXT = Buffer.from('Just some plain text, definitely not an image.\n');

export type FormPart =
  { name: string; value: string } | { name: string; filename: string; contentType: string; bytes: Buffer };

export const filePart = (bytes: Buffer, filename = 'scan.png', contentType = 'image/png'): FormPart => ({
  name: 'file',
  filename,
  contentType,
  bytes,
});

/** multipart/form-data built by hand, as a browser or mobile client sends it. */
export function multipartBody(parts: FormPart[], boundary = `----medyour-fuzz-${randomUUID()}`) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head =
      'bytes' in p
        ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType}\r\n\r\n`
        : `Content-Disposition: form-data; name="${p.name}"\r\n\r\n`;
    chunks.push(
      Buffer.from(`--${boundary}\r\n${head}`),
      'bytes' in p ? p.bytes : Buffer.from(p.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
