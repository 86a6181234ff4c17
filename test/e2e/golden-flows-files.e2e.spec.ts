import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, ok, type MedyourClient } from '../../clients/typescript/src/index.js';
import { buildCategory, buildProduct } from '../factories/catalog.factory.js';
import { PASSWORD } from '../factories/user.factory.js';
import { PNG, TEXT } from '../support/multipart.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/** Golden flow: private files through @medyour/client, multipart up and signed links down. */
let g: Golden;
let owner: MedyourClient;
let stranger: MedyourClient;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

async function customer(): Promise<MedyourClient> {
  const client = g.newClient();
  const email = `files.${randomUUID().slice(0, 8)}@example.com`;
  await client.POST('/v1/auth/register', { body: { name: 'File Owner', email, password: PASSWORD } });
  return client;
}

beforeAll(async () => {
  g = await bootGolden();
  [owner, stranger] = [await customer(), await customer()];
});
afterAll(async () => {
  await g.close();
});

const upload = (client: MedyourClient, file: File, purpose?: 'prescription' | 'avatar') =>
  client.POST('/v1/files', { body: { file, purpose }, bodySerializer: formData });

/** The signed link's parts, sent through the typed download path. */
function download(client: MedyourClient, downloadUrl: string) {
  const url = new URL(downloadUrl, g.baseUrl);
  const [, id] = /^\/v1\/files\/([^/]+)\/content$/.exec(url.pathname) ?? [];
  const query = { expires: Number(url.searchParams.get('expires')), signature: url.searchParams.get('signature')! };
  return client.GET('/v1/files/{id}/content', { params: { path: { id }, query }, parseAs: 'arrayBuffer' });
}

describe('golden flow: files through @medyour/client', () => {
  it('uploads a file, reads its metadata and downloads the exact bytes', async () => {
    const uploaded = ok(await upload(owner, new File([PDF], 'rx.pdf', { type: 'image/png' }), 'prescription'));
    expect(uploaded).toMatchObject({
      purpose: 'prescription',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      originalName: 'rx.pdf',
    });
    expect(Date.parse(uploaded.downloadUrlExpiresAt)).toBeGreaterThan(Date.now());

    const meta = ok(await owner.GET('/v1/files/{id}', { params: { path: { id: uploaded.id } } }));
    expect({ ...meta, downloadUrl: '', downloadUrlExpiresAt: '' }).toEqual({
      ...uploaded,
      downloadUrl: '',
      downloadUrlExpiresAt: '',
    });
    const content = await download(stranger, meta.downloadUrl);
    expect(content.response.headers.get('content-type')).toBe('application/pdf');
    expect(content.response.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(ok(content)).equals(PDF)).toBe(true);

    const avatar = ok(await upload(owner, new File([PNG], 'me.png')));
    expect(avatar).toMatchObject({ purpose: 'attachment', contentType: 'image/png', sizeBytes: PNG.length });
  });

  it('answers anyone but the owner as for a missing file, and refuses a tampered link', async () => {
    const file = ok(await upload(owner, new File([PNG], 'scan.png', { type: 'image/png' })));
    const theirs = await refusal(stranger.GET('/v1/files/{id}', { params: { path: { id: file.id } } }));
    const missing = await refusal(stranger.GET('/v1/files/{id}', { params: { path: { id: randomUUID() } } }));
    expect(theirs).toMatchObject({ status: 404, code: 'files/not-found' });
    expect([theirs.status, theirs.code, theirs.detail]).toEqual([missing.status, missing.code, missing.detail]);

    const url = new URL(file.downloadUrl, g.baseUrl);
    const signature = url.searchParams.get('signature')!;
    url.searchParams.set('signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    const tampered = await refusal(download(stranger, url.pathname + url.search));
    expect(tampered).toMatchObject({ status: 403, code: 'files/invalid-signature' });
  });

  it('decides the type from the bytes and refuses what is not an image or a PDF', async () => {
    const text = await refusal(upload(owner, new File([TEXT], 'photo.png', { type: 'image/png' })));
    expect(text).toMatchObject({ status: 415, code: 'files/type-not-allowed' });
    const anonymous = await refusal(upload(g.newClient(), new File([PNG], 'a.png')));
    expect(anonymous).toMatchObject({ status: 401, code: 'auth/unauthenticated' });
  });

  it('lets a catalog manager use an uploaded image on a product, not someone else’s', async () => {
    const { client: manager } = await g.staffClient([{ role: 'catalog_manager', branchId: null }]);
    const image = ok(await upload(manager, new File([PNG], 'pack.png', { type: 'image/png' }))).id;
    const category = ok(await manager.POST('/v1/admin/categories', { body: buildCategory() }));
    const product = ok(
      await manager.POST('/v1/admin/products', { body: buildProduct(category.id, { images: [image] }) }),
    );
    expect(product.images).toEqual([image]);
    const summary = ok(await owner.GET('/v1/products', { params: { query: { categoryId: category.id } } })).items[0];
    expect(summary).toMatchObject({ id: product.id, image });

    const theirs = ok(await upload(owner, new File([PNG], 'mine.png'))).id;
    const refused = await refusal(
      manager.POST('/v1/admin/products', { body: buildProduct(category.id, { images: [theirs] }) }),
    );
    expect(refused).toMatchObject({ status: 400, code: 'catalog/image-not-found' });
    expect(refused.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['images.0:not_found']);
  });
});
