import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { listFolders } from '../../shared/aws/list-folders';
import { MemoryS3, type RequestTrace } from './memory-s3';

const Bucket = 'tales-test';
const text = async (body: { transformToString(): Promise<string> } | undefined) => body?.transformToString();

describe('MemoryS3 (the in-memory, latency-modelled S3 of tests and benches)', () => {
  it('stores, range-reads, heads and counts through the real SDK', async () => {
    const store = new MemoryS3(Bucket);
    const s3 = store.client();
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'a/b.txt', Body: 'hello world' }));
    expect(put.ETag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    const range = await s3.send(new GetObjectCommand({ Bucket, Key: 'a/b.txt', Range: 'bytes=6-10' }));
    expect(await text(range.Body)).toBe('world');
    expect(range.ContentRange).toBe('bytes 6-10/11');
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'a/b.txt' }))).ETag).toBe(put.ETag);
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(store.counts).toMatchObject({ gets: 2, heads: 1, puts: 1, bytesOut: 5, bytesIn: 11 });
  });

  it('enforces conditional writes as S3 does (If-None-Match: *, If-Match)', async () => {
    const s3 = new MemoryS3(Bucket).client();
    const first = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one', IfNoneMatch: '*' }));
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two', IfNoneMatch: '*' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two', IfMatch: '"stale"' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two', IfMatch: first.ETag }));
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body)).toBe('two');
  });

  it('lists with prefix, delimiter and continuation, as listFolders reads it', async () => {
    const store = new MemoryS3(Bucket);
    for (let i = 0; i < 25; i++) store.put(`v1/2026-07-01/w/${String(i).padStart(3, '0')}/manifest.json`, new Uint8Array([i]));
    store.put('v1/2026-07-01/w/007/0001.tale', new Uint8Array(3));
    const s3 = store.client();
    const pages: number[] = [];
    const folders: string[] = [];
    for await (const folder of listFolders(s3, Bucket, 'v1/2026-07-01/w/', { onPage: () => pages.push(1) })) folders.push(folder);
    expect(folders).toHaveLength(25);
    const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'v1/', MaxKeys: 10 }));
    expect(page.Contents).toHaveLength(10);
    expect(page.IsTruncated).toBe(true);
    const rest = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'v1/', ContinuationToken: page.NextContinuationToken }));
    expect((page.Contents?.length ?? 0) + (rest.Contents?.length ?? 0)).toBe(26);
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'v1/2026-07-01/w/007/0001.tale' }] } }));
    expect(store.get('v1/2026-07-01/w/007/0001.tale')).toBeUndefined();
  });

  it('joins multipart uploads with UploadPartCopy bound to the source ETag, and refuses small middle parts', async () => {
    const store = new MemoryS3(Bucket);
    const big = new Uint8Array(5 * 1024 * 1024).fill(7);
    store.put('src', big);
    const s3 = store.client();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'joined' }));
    const etag = store.objects.get('src')?.etag;
    const one = await s3.send(
      new UploadPartCopyCommand({ Bucket, Key: 'joined', UploadId, PartNumber: 1, CopySource: `${Bucket}/src`, CopySourceIfMatch: etag }),
    );
    await expect(
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'joined',
          UploadId,
          PartNumber: 9,
          CopySource: `${Bucket}/src`,
          CopySourceIfMatch: '"x"',
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const two = await s3.send(new UploadPartCommand({ Bucket, Key: 'joined', UploadId, PartNumber: 2, Body: 'tail' }));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'joined',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: one.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: two.ETag },
          ],
        },
      }),
    );
    expect(store.get('joined')?.length).toBe(big.length + 4);
    const small = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'small' }));
    await s3.send(new UploadPartCommand({ Bucket, Key: 'small', UploadId: small.UploadId, PartNumber: 1, Body: 'a' }));
    await s3.send(new UploadPartCommand({ Bucket, Key: 'small', UploadId: small.UploadId, PartNumber: 2, Body: 'b' }));
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'small',
          UploadId: small.UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1 }, { PartNumber: 2 }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' });
  });

  it('makes each request wait its first-byte latency plus its bytes at the bandwidth, requests overlapping', async () => {
    let inFlight = 0;
    let most = 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    };
    const store = new MemoryS3(Bucket, { firstByteMs: 30, bytesPerSecond: 1_000_000, sleep });
    store.put('x', new Uint8Array(20_000));
    const s3 = store.client();
    await Promise.all(Array.from({ length: 4 }, () => s3.send(new GetObjectCommand({ Bucket, Key: 'x', Range: 'bytes=0-9999' }))));
    expect(waits).toEqual([40, 40, 40, 40]);
    expect(most).toBe(4);
    expect(store.resetCounts()).toMatchObject({ gets: 4, bytesOut: 40_000 });
    expect(store.counts.gets).toBe(0);
  });

  it('reports each request answered to onRequest: method, key, range, status, bytes, and when', async () => {
    const seen: RequestTrace[] = [];
    const store = new MemoryS3(Bucket, { onRequest: (request) => seen.push(request) });
    store.put('x', new Uint8Array(100));
    const s3 = store.client();
    await s3.send(new GetObjectCommand({ Bucket, Key: 'x', Range: 'bytes=10-19' }));
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'y' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(seen.map(({ method, key, range, status, bytes }) => ({ method, key, range, status, bytes }))).toEqual([
      { method: 'GET', key: 'x', range: 'bytes=10-19', status: 206, bytes: 10 },
      { method: 'GET', key: 'y', range: undefined, status: 404, bytes: expect.any(Number) },
    ]);
    expect(seen.every(({ started, ended }) => started <= ended)).toBe(true);
  });
});
