import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getText, MAX_TEXT_OBJECT_BYTES } from '../../../shared/aws/get-text';
import { CorruptError } from '../../../shared/codec/errors';

const s3 = new S3Client({ region: 'us-east-1' });
const mock = mockClient(s3);
const KEY = 'v1/2026-07-01/w/shardId-000000000000/manifest.json';

/** A body of `chunks` chunks of 1 KiB, counting how many were pulled from it. */
function body(chunks: number): { stream: ReturnType<typeof sdkStreamMixin>; pulled: () => number } {
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) {
        pulled++;
        yield Buffer.alloc(1024, 0x61);
      }
    })(),
    { highWaterMark: 1 },
  );
  return { stream: sdkStreamMixin(stream), pulled: () => pulled };
}

describe('getText', () => {
  beforeEach(() => mock.reset());

  it('reads an object within the limit', async () => {
    mock.on(GetObjectCommand).resolves({ Body: body(3).stream, ContentLength: 3072 });
    expect(await getText(s3, 'b', KEY, undefined, 3072)).toBe('a'.repeat(3072));
  });

  it('refuses an object whose length is over the limit without reading it', async () => {
    const { stream, pulled } = body(100);
    mock.on(GetObjectCommand).resolves({ Body: stream, ContentLength: 102_400 });
    const read = getText(s3, 'b', KEY, undefined, 4096);
    await expect(read).rejects.toThrow(CorruptError);
    await expect(read).rejects.toThrow(
      `${KEY}: object is over the 4096-byte limit of a manifest or metadata object (its length is 102400)`,
    );
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('stops reading an object of unknown length once it passes the limit', async () => {
    const { stream, pulled } = body(10_000);
    mock.on(GetObjectCommand).resolves({ Body: stream });
    await expect(getText(s3, 'b', KEY, undefined, 4096)).rejects.toThrow(
      `${KEY}: object is over the 4096-byte limit of a manifest or metadata object (5120 bytes were read)`,
    );
    expect(pulled()).toBeLessThan(10);
  });

  it('bounds manifests and metadata at 64 MiB by default', async () => {
    expect(MAX_TEXT_OBJECT_BYTES).toBe(67_108_864);
    mock.on(GetObjectCommand).resolves({ Body: body(1).stream, ContentLength: MAX_TEXT_OBJECT_BYTES + 1 });
    await expect(getText(s3, 'b', KEY)).rejects.toThrow(
      `${KEY}: object is over the 67108864-byte limit of a manifest or metadata object (its length is 67108865)`,
    );
  });
});
