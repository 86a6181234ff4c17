import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FILE_STORAGE, type FileStorage } from '../../src/modules/files/file-storage.js';
import { S3FileStorage } from '../../src/modules/files/index.js';
import { filePart, multipartBody } from '../support/multipart.js';
import { bootTestApp, type TestApp } from '../setup/app.js';
import { registerUser } from '../factories/user.factory.js';

// s3rver is CommonJS without type declarations: load it through require and describe the part we use.
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

// s3rver checks SigV4 signatures against these fixed credentials.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'medyour-test';
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
const BINARY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

let server: S3rverServer;
let directory: string;
let endpoint: string;
let storage: S3FileStorage;
let raw: S3Client;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'medyour-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  storage = new S3FileStorage({ endpoint, region: 'us-east-1', bucket: BUCKET, ...CREDENTIALS, forcePathStyle: true });
  raw = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
});
afterAll(async () => {
  storage?.destroy();
  raw?.destroy();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('S3FileStorage', () => {
  it('puts, gets and deletes an object, keeping bytes and content type', async () => {
    const key = `attachment/${randomUUID()}.bin`;
    await storage.put(key, BINARY, 'application/pdf');
    const back = await storage.get(key);
    expect(back.equals(BINARY)).toBe(true);
    const head = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(BINARY.length);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('signs a URL that serves the exact bytes until it expires', async () => {
    const key = `prescription/${randomUUID()}.pdf`;
    await storage.put(key, BINARY, 'application/pdf');
    const url = await storage.signedUrl(key, 60);
    expect(url.startsWith(`${endpoint}/${BUCKET}/`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(BINARY)).toBe(true);
    // s3rver does not verify V4 signatures, but it does enforce the signed expiry.
    const shortLived = await storage.signedUrl(key, 1);
    await new Promise((r) => setTimeout(r, 2_100));
    const expired = await fetch(shortLived);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('surfaces a missing bucket or unknown credentials as errors', async () => {
    const noBucket = new S3FileStorage({
      endpoint,
      region: 'us-east-1',
      bucket: 'no-such-bucket',
      ...CREDENTIALS,
      forcePathStyle: true,
    });
    const badKey = new S3FileStorage({
      endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      accessKeyId: 'NOPE',
      secretAccessKey: 'NOPE',
      forcePathStyle: true,
    });
    try {
      await expect(noBucket.put('a/b.pdf', PDF, 'application/pdf')).rejects.toMatchObject({ name: 'NoSuchBucket' });
      await expect(badKey.put('a/b.pdf', PDF, 'application/pdf')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    } finally {
      noBucket.destroy();
      badKey.destroy();
    }
  });
});

describe('S3FileStorage against stores without checksum support', () => {
  it('sends no flexible-checksum headers on put (R2 and others refuse them)', async () => {
    const seen: Record<string, unknown>[] = [];
    const stub = createServer((req, res) => {
      seen.push({ method: req.method, ...req.headers });
      req.resume().on('end', () => res.writeHead(200, { etag: '"0"' }).end());
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const { port } = stub.address() as AddressInfo;
    const plain = new S3FileStorage({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket: BUCKET,
      ...CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      await plain.put('a/b.pdf', PDF, 'application/pdf');
    } finally {
      plain.destroy();
      await new Promise((r) => stub.close(r));
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', 'content-type': 'application/pdf' });
    expect(
      Object.keys(seen[0]).filter((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-sdk-checksum-algorithm'),
    ).toEqual([]);
  });
});

describe('upload flow with STORAGE_DRIVER=s3', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      STORAGE_DRIVER: 's3',
      STORAGE_S3_ENDPOINT: endpoint,
      STORAGE_S3_REGION: 'us-east-1',
      STORAGE_S3_BUCKET: BUCKET,
      STORAGE_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      STORAGE_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      STORAGE_S3_FORCE_PATH_STYLE: 'true',
      SIGNED_URL_TTL_SECONDS: '120',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the upload in the bucket and hands out a presigned link to the exact bytes', async () => {
    const user = await registerUser(t);
    const { payload, contentType } = multipartBody([
      filePart(PDF, 'rx.png', 'image/png'),
      { name: 'purpose', value: 'prescription' },
    ]);
    const res = await t.http.request('POST', '/v1/files', {
      token: user.accessToken,
      raw: payload,
      headers: { 'content-type': contentType },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      purpose: 'prescription',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      originalName: 'rx.png',
    });

    const listed = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'prescription/' }));
    const key = listed.Contents?.map((o) => o.Key).find((k) => k?.endsWith(`/${res.body.id}.pdf`));
    expect(key).toBeDefined();
    const head = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/pdf');

    for (const url of [
      res.body.downloadUrl,
      (await t.http.get(`/v1/files/${res.body.id}`, user.accessToken)).body.downloadUrl,
    ]) {
      expect(url.startsWith(`${endpoint}/${BUCKET}/prescription/`)).toBe(true);
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('120');
      const download = await fetch(url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    }
    const other = await registerUser(t);
    expect((await t.http.get(`/v1/files/${res.body.id}`, other.accessToken)).status).toBe(404);
  });

  it('frees the S3 client when the app shuts down', async () => {
    const used = t.app.get<FileStorage>(FILE_STORAGE);
    expect(used).toBeInstanceOf(S3FileStorage);
    const destroy = vi.spyOn(used as S3FileStorage, 'destroy');
    await t.close();
    expect(destroy).toHaveBeenCalledTimes(1);
  });
});
