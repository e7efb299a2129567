import { describe, expect, it } from 'vitest';
import { consumerBatches, dynamoMonth, firehoseAthenaMonth, talesMonth } from '../../cost/model';
import { PRICES } from '../../cost/prices';

const small = { eventsPerDay: 1000, shards: 1, queriesPerDay: 10 };
const lineOf = (month: ReturnType<typeof talesMonth>, item: string) => month.lines.find((l) => l.item === item);

describe('cost model', () => {
  it('counts one consumer batch per window while records keep coming, 10,000 records at most, none without records', () => {
    expect(consumerBatches(small)).toBe(8640); // 30,000 events a month spread over 8,640 five-minute windows
    expect(consumerBatches({ eventsPerDay: 1_000_000_000, shards: 4, queriesPerDay: 0 })).toBe(3_000_000); // full batches
    expect(consumerBatches({ eventsPerDay: 100, shards: 1, queriesPerDay: 0 })).toBe(3000); // fewer events than windows
    expect(consumerBatches({ eventsPerDay: 0, shards: 16, queriesPerDay: 0 })).toBe(0);
  });

  it('prices Tales from the measured requests per batch and per query', () => {
    const month = talesMonth(small, PRICES);
    // PUT: 8,640 batches × (chunk + manifest) + 30 days × 4 compaction objects
    expect(lineOf(month, 'S3 PUT')).toEqual({ item: 'S3 PUT', quantity: 17_400, unit: 'requests', usd: 17_400 * 0.000005 });
    // LIST: the compactor lists each writer each day; each query lists the day's writers once
    expect(lineOf(month, 'S3 LIST')?.quantity).toBe(30 + 300);
    // GET: a manifest per batch, each chunk twice by the compactor (index, blocks) and 32 dictionary samples a day, 5 + 1 writer per query
    expect(lineOf(month, 'S3 GET')?.quantity).toBe(8640 + 2 * 8640 + 30 * 32 + 300 * 6);
    expect(lineOf(month, 'Kinesis shard-hours')).toMatchObject({ quantity: 720, usd: 720 * 0.015 });
    expect(month.totalUsd).toBeCloseTo(
      month.lines.reduce((sum, l) => sum + l.usd, 0),
      12,
    );
  });

  it('rounds Firehose records up to 5 KB and bills Athena at least 10 MB a query', () => {
    const month = firehoseAthenaMonth(small, PRICES);
    expect(lineOf(month, 'Firehose ingestion (5 KB records)')?.quantity).toBeCloseTo((30_000 * 5 * 1024) / 1024 ** 3, 12);
    expect(lineOf(month, 'Athena data scanned')?.quantity).toBeCloseTo((300 * 10 * 1024 ** 2) / 1024 ** 4, 12);
  });

  it('writes one DynamoDB item per actor of an event and reads one unit per query', () => {
    const month = dynamoMonth(small, PRICES);
    expect(lineOf(month, 'Write request units')).toMatchObject({ quantity: 60_000, usd: 60_000 * 0.625e-6 });
    expect(lineOf(month, 'Read request units')?.quantity).toBe(300);
  });
});
