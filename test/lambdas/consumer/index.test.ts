import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/lambda/function-url';
import { loadZstd } from '../../../shared/codec/zstd';
import { dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, kinesisEvent, syntheticRecords } from '../../support/stream-records';

describe('consumer Lambda entry point', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.stop());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    vi.restoreAllMocks();
  });

  /** A cold start of the entry point on the local S3, with `env` beside the bucket settings; its logs silenced. */
  async function coldStart(env: Record<string, string>) {
    vi.stubEnv('TALES_BUCKET', s3.bucket);
    vi.stubEnv('TALES_S3_ENDPOINT', s3.endpoint);
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return (await import('../../../lambdas/consumer/index')).handler;
  }

  it('reads its settings at cold start and writes below the configured prefix', async () => {
    const handler = await coldStart({ TALES_PREFIX: 'cold/' });
    const time = Date.UTC(2026, 6, 1, 8);

    const response = await handler(kinesisEvent(syntheticRecords([jsonPayload({ actors: [5], text: 'hi', time })])), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const stored = await readWriterDay(s3.s3, s3.bucket, new KeyLayout('cold/'), await loadZstd(), 'shardId-000000000000', dayNumber(time));
    expect(stored.events).toEqual([{ time, actors: [5], text: 'hi' }]);
  });

  it('keeps the manifests it writes across invocations: a warm instance reads no manifest for its next batch of the writer-day', async () => {
    const send = vi.spyOn(S3Client.prototype, 'send');
    const handler = await coldStart({ TALES_PREFIX: 'warm/' });
    const time = Date.UTC(2026, 6, 1, 8);
    const batch = (i: number) =>
      kinesisEvent(
        syntheticRecords([jsonPayload({ actors: [5], text: `hi ${i}`, time: time + i })], {
          first: 49_000_000_000_000_000_000n + BigInt(i),
        }),
      );
    const gets = () => send.mock.calls.filter(([command]) => command instanceof GetObjectCommand).length;

    await handler(batch(0), lambdaContext());
    const afterFirst = gets();
    const response = await handler(batch(1), lambdaContext());

    expect(afterFirst).toBe(1);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets()).toBe(1);
    const stored = await readWriterDay(s3.s3, s3.bucket, new KeyLayout('warm/'), await loadZstd(), 'shardId-000000000000', dayNumber(time));
    expect(stored.events.map((e) => e.text)).toEqual(['hi 0', 'hi 1']);
  });

  it.each([
    ['unset (26 h)', undefined, true],
    ['a year', String(366 * 86_400_000), false],
  ])("marks a day late by the deployment's close, TALES_CLOSE_AFTER_MS %s", async (_, closeAfterMs, marked) => {
    const prefix = `close-${marked}/`;
    const handler = await coldStart({
      TALES_PREFIX: prefix,
      ...(closeAfterMs === undefined ? {} : { TALES_CLOSE_AFTER_MS: closeAfterMs }),
    });
    // A July event reaching the consumer now: months after its day closed at 26 h, within a year's close.
    const time = Date.UTC(2026, 6, 1, 8);

    expect(await handler(kinesisEvent(syntheticRecords([jsonPayload({ actors: [5], text: 'late', time })])), lambdaContext())).toEqual({
      batchItemFailures: [],
    });

    const key = new KeyLayout(prefix).lateChunksKey(dayNumber(time));
    const found = await s3.s3.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key })).then(
      () => true,
      (error: Error) => (error.name === 'NoSuchKey' ? false : Promise.reject(error)),
    );
    expect(found).toBe(marked);
  });

  it.each([
    ['TALES_BUCKET', '', 'Environment variable TALES_BUCKET is required'],
    ['TALES_ZSTD_LEVEL', 'fast', 'Environment variable TALES_ZSTD_LEVEL must be an integer in 1..19 (given "fast")'],
  ])('fails the cold start when %s is "%s"', async (name, value, message) => {
    vi.stubEnv('TALES_BUCKET', 'b');
    vi.stubEnv(name, value);
    await expect(import('../../../lambdas/consumer/index')).rejects.toThrow(message);
  });
});
