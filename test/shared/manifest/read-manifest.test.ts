import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { dayNumber } from '../../../shared/layout/day';
import type { Manifest } from '../../../shared/manifest/manifest';
import { encodeManifest } from '../../../shared/manifest/manifest-codec';
import { readManifest } from '../../../shared/manifest/read-manifest';

const s3 = new S3Client({ region: 'us-east-1' });
const mock = mockClient(s3);
const DAY = dayNumber(Date.UTC(2026, 6, 1));
const KEY = 'v1/2026-07-01/w/shardId-000000000000/manifest.json';
const MANIFEST: Manifest = {
  writer: 'shardId-000000000000',
  day: DAY,
  chunks: [
    {
      seq: 0,
      entries: 2,
      minTime: DAY * 86_400_000,
      maxTime: DAY * 86_400_000 + 5,
      headSize: 40,
      indexSize: 40,
      size: 90,
      etag: '"e"',
      watermark: '49',
    },
  ],
};

function body(text: string | Uint8Array) {
  return { Body: sdkStreamMixin(Readable.from([Buffer.from(text)])) };
}

describe('readManifest', () => {
  beforeEach(() => mock.reset());

  it('reads and decodes the manifest at the key', async () => {
    mock.on(GetObjectCommand, { Bucket: 'b', Key: KEY }).resolves(body(encodeManifest(MANIFEST)));
    expect(await readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY)).toEqual(MANIFEST);
  });

  it('reads a manifest in the JSON form (format 1) as well', async () => {
    const json = JSON.stringify({
      format: 'tales.manifest',
      version: 1,
      writer: MANIFEST.writer,
      day: '2026-07-01',
      chunks: MANIFEST.chunks,
    });
    mock.on(GetObjectCommand, { Bucket: 'b', Key: KEY }).resolves(body(json));
    expect(await readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY)).toEqual(MANIFEST);
  });

  it('gives undefined for a writer-day that has no manifest yet', async () => {
    mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    expect(await readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY)).toBeUndefined();
  });

  it('passes on any other S3 error', async () => {
    mock.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY)).rejects.toThrow('Access Denied');
  });

  it('names the key of a manifest that does not decode', async () => {
    mock.on(GetObjectCommand).resolves(body('{"format":"tales.manifest"'));
    const read = readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY);
    await expect(read).rejects.toBeInstanceOf(CorruptError);
    await expect(read).rejects.toThrow(`${KEY}: invalid manifest: `);
  });

  it('refuses a manifest that belongs to another writer or day', async () => {
    mock.on(GetObjectCommand).callsFake(() => body(encodeManifest(MANIFEST)));
    await expect(readManifest(s3, 'b', KEY, 'shardId-000000000001', DAY)).rejects.toThrow(
      new CorruptError('manifest is for writer shardId-000000000000 on 2026-07-01, expected shardId-000000000001 on 2026-07-01', KEY),
    );
    await expect(readManifest(s3, 'b', KEY, 'shardId-000000000000', DAY + 1)).rejects.toThrow(
      'manifest is for writer shardId-000000000000 on 2026-07-01, expected shardId-000000000000 on 2026-07-02',
    );
  });
});
