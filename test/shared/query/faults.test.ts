import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { CorruptError, TruncatedError } from '../../../shared/codec/errors';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { StoreReadError } from '../../../shared/query/errors';
import { runQuery } from '../../../shared/query/run-query';
import { T0, useQueryStore } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

const QUERY = { actors: [1], from: T0, to: T0 + 3_600_000, limit: 1000 };
const events = Array.from({ length: 300 }, (_, i) => ({ time: T0 + i * 1000, actors: [1, 2 + (i % 3)], text: `event number ${i}` }));

describe('faults while querying', () => {
  const store = useQueryStore('faults');

  async function seeded() {
    const { local, zstd } = store;
    const layout = store.layout();
    const { keys } = await seedWriter({ s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 2048 } }, 'w', [
      events,
    ]);
    const key = keys[0] as string;
    const response = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
    const bytes = await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    return { ctx: createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd }), key, bytes, layout };
  }

  async function replace(key: string, bytes: Uint8Array) {
    const { local } = store;
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: bytes }));
  }

  it('a flipped bit in a block fails the query with a CorruptError naming the chunk, never a wrong row', async () => {
    const { ctx, key, bytes } = await seeded();
    const damaged = bytes.slice();
    damaged[damaged.length - 10] = (damaged[damaged.length - 10] as number) ^ 0x10;
    await replace(key, damaged);
    const failure = runQuery(ctx, QUERY);
    await expect(failure).rejects.toThrow(CorruptError);
    await expect(failure).rejects.toThrow(new RegExp(`^${key}: block \\d+ checksum mismatch`));
  });

  it('a flipped bit in the head fails the query naming the chunk', async () => {
    const { ctx, key, bytes } = await seeded();
    const damaged = bytes.slice();
    damaged[45] = (damaged[45] as number) ^ 0x01;
    await replace(key, damaged);
    await expect(runQuery(ctx, QUERY)).rejects.toThrow(`${key}: directory checksum mismatch`);
  });

  it('a chunk that is not the one its manifest describes is refused', async () => {
    const { ctx, key } = await seeded();
    const { local, zstd } = store;
    const { keys } = await seedWriter(
      { s3: local.s3, bucket: local.bucket, layout: store.layout(), zstd, chunkOptions: { blockSize: 2048 } },
      'w',
      [events.slice(0, 200)],
    );
    const response = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: keys[0] }));
    await replace(key, await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    await expect(runQuery(ctx, QUERY)).rejects.toThrow(/chunk (entries|indexSize|size|maxTime) is \d+, its manifest says \d+/);
  });

  it('a truncated chunk is a TruncatedError naming it', async () => {
    const { ctx, key, bytes } = await seeded();
    await replace(key, bytes.subarray(0, bytes.length - 100));
    const failure = runQuery(ctx, QUERY);
    await expect(failure).rejects.toThrow(TruncatedError);
    await expect(failure).rejects.toThrow(key);
  });

  it('a chunk its manifest lists but S3 lost is a StoreReadError naming it', async () => {
    const { ctx, key } = await seeded();
    await store.local.s3.send(new DeleteObjectCommand({ Bucket: store.local.bucket, Key: key }));
    const failure = runQuery(ctx, QUERY);
    await expect(failure).rejects.toThrow(StoreReadError);
    await expect(failure).rejects.toMatchObject({ key });
  });

  it('a corrupt manifest is a CorruptError naming it', async () => {
    const { ctx, layout } = await seeded();
    const day = Math.floor(T0 / 86_400_000);
    await replace(layout.manifestKey(day, 'w'), new TextEncoder().encode('{"format":"tales.manifest"'));
    await expect(runQuery(ctx, QUERY)).rejects.toThrow(`${layout.manifestKey(day, 'w')}: invalid manifest`);
  });

  it('an S3 fault while listing is a StoreReadError naming the prefix', async () => {
    const s3 = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(s3);
    mock
      .onAnyCommand()
      .rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: {}, message: 'Please reduce your request rate.' }));
    const layout = new KeyLayout('x/');
    // An open day: its list runs beside the metadata reads, and its error goes up first.
    const ctx = createQueryContext({ s3, bucket: 'b', layout, zstd: store.zstd, now: () => Date.UTC(2026, 6, 1, 12) });
    await expect(runQuery(ctx, QUERY)).rejects.toThrow(`reading x/v1/2026-07-01/w/ failed: Please reduce your request rate.`);
    mock.restore();
  });
});
