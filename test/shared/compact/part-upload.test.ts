import { describe, expect, it } from 'vitest';
import { MIN_PART_BYTES, PartUpload } from '../../../shared/compact/part-upload';
import { MemoryS3 } from '../../support/memory-s3';

/** Bytes 0..n-1 of a pattern that makes any misplaced piece visible. */
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('PartUpload', () => {
  it('writes a small object with one PUT', async () => {
    const store = new MemoryS3();
    const upload = new PartUpload(store.client(), store.bucket, 'small');
    await upload.write(pattern(10, 1));
    await upload.write(pattern(5, 2));
    await upload.finish();
    expect(store.get('small')).toEqual(new Uint8Array([...pattern(10, 1), ...pattern(5, 2)]));
    expect(upload.stats.parts).toBe(0);
  });

  it("writes a large object in parts that keep S3's 5 MiB minimum (MemoryS3 enforces it), holding one part at a time", async () => {
    const store = new MemoryS3();
    const upload = new PartUpload(store.client(), store.bucket, 'large');
    const pieces = Array.from({ length: 12 }, (_, i) => pattern(1_000_000 + i, i));
    for (const piece of pieces) await upload.write(piece);
    const etag = await upload.finish();
    const whole = Buffer.concat(pieces);
    // Buffer.equals: an element-wise toEqual over 12 MB takes minutes.
    expect(Buffer.from(store.get('large') ?? []).equals(whole)).toBe(true);
    expect(upload.stats).toEqual({ parts: 2, uploadedBytes: whole.length });
    expect(etag).toMatch(/-2"$/);
    expect(MIN_PART_BYTES).toBe(5 * 1024 * 1024);
  });

  it('abandons its upload on abort: no object appears', async () => {
    const store = new MemoryS3();
    const upload = new PartUpload(store.client(), store.bucket, 'aborted');
    await upload.write(pattern(MIN_PART_BYTES, 3));
    await upload.abort();
    expect(store.get('aborted')).toBeUndefined();
    expect(upload.stats.parts).toBe(1);
  });
});
