import { describe, expect, it } from 'vitest';
import { consumerBatches, dynamoMonth, firehoseAthenaMonth, mergerRequests, queryRequests, talesMonth } from '../../cost/model';
import { PRICES } from '../../cost/prices';

const small = { eventsPerDay: 1000, shards: 1, queriesPerDay: 10 };
const lineOf = (month: ReturnType<typeof talesMonth>, item: string) => month.lines.find((l) => l.item === item);

describe('cost model', () => {
  it('counts one consumer batch per 60-s window while records keep coming, 10,000 records at most, none without records', () => {
    expect(consumerBatches({ eventsPerDay: 100_000, shards: 1, queriesPerDay: 0 })).toBe(43_200); // a batch every minute of the month
    expect(consumerBatches({ eventsPerDay: 1_000_000_000, shards: 4, queriesPerDay: 0 })).toBe(3_000_000); // full batches
    expect(consumerBatches(small)).toBe(30_000); // 30,000 events a month, fewer than its 43,200 windows: one batch each
    expect(consumerBatches({ eventsPerDay: 0, shards: 16, queriesPerDay: 0 })).toBe(0);
  });

  it('reads each open day a query covers through its segments and writers, and each older day compacted', () => {
    // Today: LIST; probe, tier manifest, 8 segments; each writer's manifest and newest blocks.
    expect(queryRequests({ ...small, shards: 4 })).toEqual({ gets: 10 + 4 * 2, lists: 1 });
    // Seven days: today and yesterday open, five compacted (metadata, late-chunks probe, index, blocks: no writer read).
    expect(queryRequests({ ...small, shards: 4, queryDays: 7 })).toEqual({ gets: 2 * (10 + 4 * 2) + 5 * 4, lists: 2 });
  });

  it("counts the merger's runs every 5 minutes, each reading the open days' writers, and each chunk folded once", () => {
    // 8,640 runs: today and yesterday (probe, tier manifest, 16 writer manifests, a LIST each) and the closed day's probe.
    expect(mergerRequests({ eventsPerDay: 1_000_000, shards: 16, queriesPerDay: 0 })).toEqual({
      runs: 8640,
      gets: 8640 * (2 * (2 + 16) + 1) + 16 * 43_200 + 30 * 267,
      puts: 30 * 555,
      lists: 8640 * 2,
    });
    // With no events the runs only probe the days: no writer to read, no segment to write.
    expect(mergerRequests({ eventsPerDay: 0, shards: 16, queriesPerDay: 0 })).toEqual({
      runs: 8640,
      gets: 8640 * 5,
      puts: 0,
      lists: 8640 * 2,
    });
  });

  it('prices Tales from the measured requests per batch, merger run and query', () => {
    const month = talesMonth(small, PRICES);
    // PUT: 30,000 batches × (chunk + manifest), the merger's 555 a day, 4 compaction objects a day
    expect(lineOf(month, 'S3 PUT')).toEqual({ item: 'S3 PUT', quantity: 76_770, unit: 'requests', usd: 76_770 * 0.000005 });
    // LIST: the merger lists two open days a run, the compactor 12 a day, each query its day once
    expect(lineOf(month, 'S3 LIST')?.quantity).toBe(8640 * 2 + 30 * 12 + 300);
    // GET: the consumer's first batch of each writer-day; the merger's runs, chunks and folds; the compactor's two per
    // chunk and 32 dictionary samples a day; 10 + 2 per writer a query
    expect(lineOf(month, 'S3 GET')?.quantity).toBe(30 + (8640 * 7 + 30_000 + 30 * 267) + (2 * 30_000 + 30 * 32) + 300 * 12);
    expect(lineOf(month, 'Lambda requests')?.quantity).toBe(30_000 + 8640 + 300 + 30);
    expect(lineOf(month, 'Kinesis shard-hours')).toMatchObject({ quantity: 720, usd: 720 * 0.015 });
    expect(month.totalUsd).toBeCloseTo(
      month.lines.reduce((sum, l) => sum + l.usd, 0),
      12,
    );
  });

  it('rounds Firehose records up to 5 KB and bills Athena at least 10 MB a query, its days scanned whole', () => {
    const month = firehoseAthenaMonth(small, PRICES);
    expect(lineOf(month, 'Firehose ingestion (5 KB records)')?.quantity).toBeCloseTo((30_000 * 5 * 1024) / 1024 ** 3, 12);
    expect(lineOf(month, 'Athena data scanned')?.quantity).toBeCloseTo((300 * 10 * 1024 ** 2) / 1024 ** 4, 12);
    const week = firehoseAthenaMonth({ eventsPerDay: 10_000_000, shards: 1, queriesPerDay: 10, queryDays: 7 }, PRICES);
    expect(lineOf(week, 'Athena data scanned')?.quantity).toBeCloseTo((300 * 7 * 10_000_000 * 27.8) / 1024 ** 4, 12);
  });

  it('writes one DynamoDB item per actor of an event and reads one unit per query', () => {
    const month = dynamoMonth(small, PRICES);
    expect(lineOf(month, 'Write request units')).toMatchObject({ quantity: 60_000, usd: 60_000 * 0.625e-6 });
    expect(lineOf(month, 'Read request units')?.quantity).toBe(300);
  });
});
