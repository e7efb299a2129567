import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCompactorConfig } from '../../../lambdas/compactor/config';
import { CompactionRunError, createCompactorHandler } from '../../../lambdas/compactor/handler';
import { loadZstd } from '../../../shared/codec/zstd';
import { eraseActor } from '../../../shared/erasure/erase-actor';
import { ErasureKeys } from '../../../shared/erasure/keys';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { seedWriter } from '../../support/seed-chunks';

const DAY = 20_635;
const lambdaContext = {} as Context;
let local: LocalS3;

beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  await local.stop();
});

async function setUp(prefix: string, now: number, graceMs = 0) {
  const layout = new KeyLayout(prefix);
  const zstd = await loadZstd();
  const target = { s3: local.s3, bucket: local.bucket, layout, zstd };
  const seeded = await seedWriter(target, 'shardId-000000000000', [
    [
      { time: DAY * DAY_MS + 1, actors: [1], text: 'day one' },
      { time: (DAY + 1) * DAY_MS + 1, actors: [1], text: 'day two' },
    ],
  ]);
  const config = readCompactorConfig({
    TALES_BUCKET: local.bucket,
    TALES_PREFIX: prefix,
    TALES_GRACE_MS: String(graceMs),
  });
  const logged: unknown[] = [];
  const handler = createCompactorHandler({
    context: async () => target,
    config,
    logger: {
      info: (_message, attributes) => logged.push(attributes),
      error: (message, attributes) => logged.push({ message, ...attributes }),
    },
    erasures: { s3: local.s3, bucket: local.bucket, keys: new ErasureKeys(layout) },
    recordStores: [],
    clock: () => now,
  });
  return { handler, seeded, logged, layout };
}

describe('compactor handler', () => {
  it('GIVEN a schedule WHEN days are closed THEN compacts them and sweeps their writer chunks after the grace period', async () => {
    const { handler, seeded, logged } = await setUp('a/', (DAY + 4) * DAY_MS);
    const result = await handler({ 'detail-type': 'Scheduled Event' }, lambdaContext);
    expect(result.days).toEqual([
      expect.objectContaining({ day: '2026-07-01', compaction: 'compacted', sweep: 'swept', sources: 1, entries: 1 }),
      expect.objectContaining({ day: '2026-07-02', compaction: 'compacted', sweep: 'swept', sources: 1, entries: 1 }),
    ]);
    expect(logged).toHaveLength(2);
    for (const key of seeded.keys) await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }))).rejects.toThrow();
    const again = await handler({ 'detail-type': 'Scheduled Event' }, lambdaContext);
    expect(again.days.map((d) => d.compaction)).toEqual(['already-compacted', 'already-compacted']);
  });

  it('GIVEN a schedule WHEN the last day is still open THEN leaves it as writer chunks', async () => {
    const { handler } = await setUp('b/', (DAY + 2) * DAY_MS + 3 * 3_600_000, 86_400_000);
    const result = await handler({ 'detail-type': 'Scheduled Event' }, lambdaContext);
    expect(result.days.map((d) => [d.day, d.compaction, d.sweep])).toEqual([
      ['2026-07-01', 'compacted', 'in-grace'],
      ['2026-07-02', 'not-closed', 'not-compacted'],
    ]);
  });

  it('GIVEN one day that cannot be compacted WHEN the schedule runs THEN the other days still compact, and the run fails naming that day', async () => {
    const { handler, logged, layout } = await setUp('c/', (DAY + 4) * DAY_MS);
    await local.s3.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: layout.manifestKey(DAY, 'shardId-000000000000'), Body: '{"format":"nope"}' }),
    );

    const run = handler({ 'detail-type': 'Scheduled Event' }, lambdaContext);

    await expect(run).rejects.toThrow(CompactionRunError);
    await expect(run).rejects.toThrow(
      'compaction failed for 1 of 2 days (2026-07-01: c/v1/2026-07-01/w/shardId-000000000000/manifest.json: invalid manifest: format is "nope", expected "tales.manifest")',
    );
    expect(logged).toEqual([
      expect.objectContaining({ message: 'compaction failed', day: '2026-07-01', compaction: 'failed' }),
      expect.objectContaining({ day: '2026-07-02', compaction: 'compacted', sweep: 'swept' }),
    ]);
  });

  it('GIVEN the default close delay WHEN the schedule runs at 02:30 UTC THEN the day that closed at 02:00 is compacted', async () => {
    const { handler } = await setUp('d/', (DAY + 2) * DAY_MS + 2.5 * 3_600_000);
    const result = await handler({ 'detail-type': 'Scheduled Event' }, lambdaContext);
    expect(result.days.map((d) => [d.day, d.compaction])).toEqual([
      ['2026-07-01', 'compacted'],
      ['2026-07-02', 'not-closed'],
    ]);
  });

  it('compacts one named day on demand, forced even when open', async () => {
    const { handler } = await setUp('e/', (DAY + 1) * DAY_MS + 5);
    const result = await handler({ day: '2026-07-02', force: true }, lambdaContext);
    expect(result.days).toEqual([expect.objectContaining({ day: '2026-07-02', compaction: 'compacted' })]);
  });

  it('GIVEN an erased actor WHEN a closed day is compacted THEN its events are dropped and the day is committed empty, not failed', async () => {
    const { handler, layout } = await setUp('f/', (DAY + 4) * DAY_MS);
    await eraseActor(
      { s3: local.s3, bucket: local.bucket, keys: new ErasureKeys(layout), settleMs: 0 },
      { actor: 1, principal: 'arn:aws:iam::123456789012:role/Dpo', now: (DAY + 4) * DAY_MS },
    );
    const result = await handler({ day: '2026-07-01' }, lambdaContext);
    expect(result.days).toEqual([expect.objectContaining({ day: '2026-07-01', compaction: 'compacted', entries: 0, dropped: 1 })]);
    expect(result.purged).toEqual([]);
  });

  it('fails if the event is neither a schedule nor a day', async () => {
    const { handler } = await setUp('d/', (DAY + 4) * DAY_MS);
    await expect(handler({ day: '2026-13-01' }, lambdaContext)).rejects.toThrow('not a UTC day name: "2026-13-01"');
    await expect(handler({ nope: 1 } as never, lambdaContext)).rejects.toThrow(
      'compactor event must be a scheduled event or { "day": "YYYY-MM-DD", "force"?: boolean }',
    );
    await expect(handler({ day: '2026-07-01', force: 'yes' } as never, lambdaContext)).rejects.toThrow('"force" must be a boolean');
  });
});

describe('compactor config', () => {
  it('fails if a variable is missing or invalid, naming it', () => {
    expect(() => readCompactorConfig({})).toThrow('Environment variable TALES_BUCKET is required');
    expect(() => readCompactorConfig({ TALES_BUCKET: 'b', TALES_LOOKBACK_DAYS: '0' })).toThrow(
      'Environment variable TALES_LOOKBACK_DAYS must be an integer in 1..3660 (given "0")',
    );
  });

  it('has documented defaults', () => {
    expect(readCompactorConfig({ TALES_BUCKET: 'b' })).toEqual({
      region: 'us-east-1',
      bucket: 'b',
      layout: new KeyLayout(''),
      closeAfterMs: 26 * 3_600_000,
      graceMs: 3_600_000,
      lookbackDays: 7,
    });
  });
});
