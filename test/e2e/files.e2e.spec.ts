import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, type Config } from '../../src/config/index.js';
import { signDownload } from '../../src/modules/files/files.rules.js';
import { multipartBody, type FormPart } from '../support/multipart.js';
import { bootTestApp, type Res, type TestApp } from '../setup/app.js';
import { createStaff, registerUser } from '../factories/user.factory.js';

// Tiny but real files: a 1x1 PNG, a 1x1 baseline JPEG and a one-page-less PDF.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
const TEXT = Buffer.from('Just some plain text, definitely not an image.\n');

type Part = FormPart;

/** A multipart/form-data body built by hand, as a browser or mobile client would send it. */
function multipart(parts: Part[]): { raw: Buffer; headers: Record<string, string> } {
  const { payload, contentType } = multipartBody(parts);
  return { raw: payload, headers: { 'content-type': contentType } };
}

const filePart = (filename: string, bytes: Buffer, contentType = 'application/octet-stream'): Part => ({
  name: 'file',
  filename,
  contentType,
  bytes,
});

function upload(app: TestApp, token: string | undefined, parts: Part[]): Promise<Res> {
  return app.http.request('POST', '/v1/files', { token, ...multipart(parts) });
}

/** GET through the app, keeping the body as bytes (the shared client decodes bodies as text). */
async function download(app: TestApp, url: string) {
  const res = await app.app.getHttpAdapter().getInstance().inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

const withoutRequest = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

let t: TestApp;
let owner: Awaited<ReturnType<typeof registerUser>>;
beforeAll(async () => {
  t = await bootTestApp();
  owner = await registerUser(t);
});
afterAll(async () => {
  await t?.close();
});

describe('upload', () => {
  it.each([
    ['photo.png', PNG, 'image/png', 'image/png'],
    ['scan.jpg', JPEG, 'image/jpeg', 'image/jpeg'],
    ['rx.pdf', PDF, 'application/pdf', 'application/pdf'],
  ])('stores %s and answers its metadata', async (filename, bytes, declared, sniffed) => {
    const res = await upload(t, owner.accessToken, [
      { name: 'purpose', value: 'prescription' },
      filePart(filename, bytes, declared),
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      purpose: 'prescription',
      contentType: sniffed,
      sizeBytes: bytes.length,
      originalName: filename,
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(Date.parse(res.body.downloadUrlExpiresAt)).toBeGreaterThan(Date.now());
    const content = await download(t, res.body.downloadUrl);
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe(sniffed);
    expect(content.headers['cache-control']).toBe('private, no-store');
    expect(content.headers['x-content-type-options']).toBe('nosniff');
    expect(content.bytes.equals(bytes)).toBe(true);
  });

  it('defaults the purpose to attachment and reads a purpose sent after the file part', async () => {
    const plain = await upload(t, owner.accessToken, [filePart('a.png', PNG)]);
    expect(plain.status).toBe(201);
    expect(plain.body.purpose).toBe('attachment');
    // Over a network the fields after the file arrive later: stream the body in two chunks with a pause.
    const { raw, headers } = multipart([filePart('b.png', PNG), { name: 'purpose', value: 'avatar' }]);
    const cut = raw.indexOf('avatar') + 3;
    const payload = Readable.from(
      (async function* () {
        yield raw.subarray(0, cut);
        await new Promise((r) => setTimeout(r, 50));
        yield raw.subarray(cut);
      })(),
    );
    const after = await t.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/v1/files',
        headers: { ...headers, authorization: `Bearer ${owner.accessToken}` },
        payload,
      });
    expect(after.statusCode).toBe(201);
    expect(after.json().purpose).toBe('avatar');
  });

  it('refuses an unknown purpose with a field error', async () => {
    const res = await upload(t, owner.accessToken, [{ name: 'purpose', value: 'selfie' }, filePart('a.png', PNG)]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'purpose' })]);
  });

  it('decides the type from the bytes, never from the name or the declared type', async () => {
    const disguisedPdf = await upload(t, owner.accessToken, [filePart('totally-an-image.png', PDF, 'image/png')]);
    expect(disguisedPdf.status).toBe(201);
    expect(disguisedPdf.body.contentType).toBe('application/pdf');
    for (const part of [filePart('notes.txt', TEXT, 'text/plain'), filePart('photo.png', TEXT, 'image/png')]) {
      const refused = await upload(t, owner.accessToken, [part]);
      expect(refused.status, part.name).toBe(415);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.code).toBe('files/type-not-allowed');
    }
  });

  it('answers 415 to a body that is not multipart and 400 when no file part is sent', async () => {
    const json = await t.http.post('/v1/files', { file: PNG.toString('base64') }, owner.accessToken);
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('common/unsupported-media-type');
    const octets = await t.http.request('POST', '/v1/files', {
      token: owner.accessToken,
      raw: PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(octets.status).toBe(415);
    const noFile = await upload(t, owner.accessToken, [{ name: 'purpose', value: 'avatar' }]);
    expect(noFile.status).toBe(400);
    expect(noFile.body.code).toBe('files/no-file');
    const empty = await upload(t, owner.accessToken, [filePart('empty.png', Buffer.alloc(0), 'image/png')]);
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('files/no-file');
  });

  it('requires authentication', async () => {
    const res = await upload(t, undefined, [filePart('a.png', PNG)]);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth/unauthenticated');
  });
});

describe('upload limit', () => {
  it('accepts files above the JSON body limit: uploads have their own limit', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(1_572_864)]);
    const res = await upload(t, owner.accessToken, [filePart('big.png', big, 'image/png')]);
    expect(res.status).toBe(201);
    expect(res.body.sizeBytes).toBe(big.length);
  });

  let small: TestApp;
  beforeAll(async () => {
    small = await bootTestApp({ UPLOAD_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('accepts a file within the limit and answers 413 above it, storing nothing', async () => {
    const user = await registerUser(small);
    const fits = Buffer.concat([PNG, Buffer.alloc(2048 - PNG.length)]);
    const ok = await upload(small, user.accessToken, [filePart('fits.png', fits, 'image/png')]);
    expect(ok.status).toBe(201);
    expect(ok.body.sizeBytes).toBe(2048);
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    const res = await upload(small, user.accessToken, [filePart('big.png', big, 'image/png')]);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('files/too-large');
    const { rows } = (await small.database.db.execute(
      `select count(*)::int as n from files where owner_id = '${user.user.id}'` as never,
    )) as unknown as {
      rows: { n: number }[];
    };
    expect(rows[0].n).toBe(1);
  });
});

describe('reading a file', () => {
  let file: { id: string; downloadUrl: string };
  beforeAll(async () => {
    const res = await upload(t, owner.accessToken, [
      { name: 'purpose', value: 'prescription' },
      filePart('rx.pdf', PDF),
    ]);
    expect(res.status).toBe(201);
    file = res.body;
  });

  it('gives the owner metadata and a fresh link that returns the exact bytes', async () => {
    const res = await t.http.get(`/v1/files/${file.id}`, owner.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: file.id,
      purpose: 'prescription',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      originalName: 'rx.pdf',
    });
    const content = await download(t, res.body.downloadUrl);
    expect(content.status).toBe(200);
    expect(content.bytes.equals(PDF)).toBe(true);
  });

  it('answers anyone but the owner exactly as for a missing id', async () => {
    const other = await registerUser(t);
    const agent = await createStaff(t, [{ role: 'support_agent', branchId: null }]);
    const missing = await t.http.get(`/v1/files/${randomUUID()}`, other.accessToken);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('files/not-found');
    for (const token of [other.accessToken, agent.accessToken]) {
      const res = await t.http.get(`/v1/files/${file.id}`, token);
      expect(res.status).toBe(404);
      expect(withoutRequest(res.body)).toEqual(withoutRequest(missing.body));
    }
    expect((await t.http.get(`/v1/files/${file.id}`)).status).toBe(401);
    expect((await t.http.get('/v1/files/not-a-uuid', owner.accessToken)).status).toBe(400);
  });

  it('refuses a tampered, expired or borrowed signature with 403', async () => {
    const url = new URL(file.downloadUrl, 'http://local');
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature')!;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const secret = t.app.get<Config>(CONFIG).auth.keys.files;
    const past = Math.floor(Date.now() / 1000) - 60;
    const other = await upload(t, owner.accessToken, [filePart('other.png', PNG)]);
    const otherSig = new URL(other.body.downloadUrl, 'http://local').searchParams.get('signature')!;
    const cases = [
      `/v1/files/${file.id}/content?expires=${expires}&signature=${flipped}`,
      `/v1/files/${file.id}/content?expires=${expires + 3600}&signature=${signature}`,
      `/v1/files/${file.id}/content?expires=${past}&signature=${signDownload(secret, file.id, past)}`,
      `/v1/files/${file.id}/content?expires=${expires}&signature=${otherSig}`,
    ];
    for (const link of cases) {
      const res = await t.http.get(link);
      expect(res.status, link).toBe(403);
      expect(res.body.code).toBe('files/invalid-signature');
    }
    expect((await t.http.get(`/v1/files/${file.id}/content`)).status).toBe(400);
  });
});
