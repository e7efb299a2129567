import { MEASURED, MEMORY_GB } from './measured';
import type { Prices } from './prices';

export interface Workload {
  readonly eventsPerDay: number;
  readonly shards: number;
  readonly queriesPerDay: number;
  /** Days each query reads, today first: today and yesterday are open (merged), older days compacted. @default 1 */
  readonly queryDays?: number;
}

/** One priced line of a month: what is counted, how many, and what it costs. */
export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface MonthlyCost {
  readonly design: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

export const DAYS_PER_MONTH = 30;
/** The consumer's batching window (60 s, the construct's default) and batch size (10,000 records). */
const WINDOWS_PER_SHARD_MONTH = DAYS_PER_MONTH * 24 * 60;
const MAX_BATCH_RECORDS = 10_000;
/** The merger's default schedule: every 5 minutes. */
const MERGER_RUNS_PER_DAY = (24 * 60) / 5;
/**
 * Days each merger run looks at (runMerger): the day that closed last (sealed once, then one probe a run) and the days
 * still open within 26 h of their end, today and yesterday for most of the day.
 */
const MERGER_OPEN_DAYS = 2;
const MERGER_CLOSED_DAYS = 1;
/** Days a query reads before it reaches compacted ones: today and yesterday stay open until 26 h after they end. */
const QUERY_OPEN_DAYS = 2;
const GB = 1024 ** 3;
/** Actors per event of the workload (1–3, mean 2): the items a table keyed by actor writes per event. */
const ACTORS_PER_EVENT = 2;
/** A DynamoDB item: the event (~150 B with its key) plus the 100 B DynamoDB counts for each item. */
const DYNAMO_ITEM_BYTES = 250;

/**
 * Consumer invocations in a month: each shard's records arrive in batches of at most 10,000, at most one per
 * batching window while records keep coming, and no batch without records.
 */
export function consumerBatches({ eventsPerDay, shards }: Workload): number {
  const perShard = (eventsPerDay * DAYS_PER_MONTH) / shards;
  if (perShard === 0) return 0;
  return shards * Math.max(Math.ceil(perShard / MAX_BATCH_RECORDS), Math.min(Math.ceil(perShard), WINDOWS_PER_SHARD_MONTH));
}

/** The requests of one query: its open days (today, yesterday: segments and writers) and the compacted days before them. */
export function queryRequests({ shards, queryDays = 1 }: Workload): { gets: number; lists: number } {
  const open = Math.min(queryDays, QUERY_OPEN_DAYS);
  const days = [
    { count: open, cost: MEASURED.queryOpenDay },
    { count: queryDays - open, cost: MEASURED.queryCompactedDay },
  ];
  return {
    gets: days.reduce((sum, { count, cost }) => sum + count * (cost.fixedGets + shards * cost.getsPerWriter), 0),
    lists: days.reduce((sum, { count, cost }) => sum + count * cost.lists, 0),
  };
}

/** The merger's requests in a month: every run reads the open days' writers, every chunk is folded once, and its folds write and read back segments. */
export function mergerRequests(w: Workload): { runs: number; gets: number; puts: number; lists: number } {
  const runs = MERGER_RUNS_PER_DAY * DAYS_PER_MONTH;
  // Without events no writer has a manifest to read and no segment is written.
  const busy = w.eventsPerDay > 0;
  const perRun =
    MERGER_OPEN_DAYS * (MEASURED.mergerGetsPerOpenDay + (busy ? w.shards : 0) * MEASURED.mergerGetsPerWriterPerOpenDay) +
    MERGER_CLOSED_DAYS * MEASURED.mergerGetsPerClosedDay;
  return {
    runs,
    gets: runs * perRun + consumerBatches(w) * MEASURED.mergerGetsPerChunk + (busy ? DAYS_PER_MONTH * MEASURED.mergerFoldGetsPerDay : 0),
    puts: busy ? DAYS_PER_MONTH * MEASURED.mergerPutsPerDay : 0,
    lists: runs * MERGER_OPEN_DAYS * MEASURED.mergerListsPerOpenDay,
  };
}

/** A month of Tales: the stream, the consumer, the merger, the daily compaction, the queries and the stored chunks. */
export function talesMonth(w: Workload, p: Prices): MonthlyCost {
  const events = w.eventsPerDay * DAYS_PER_MONTH;
  const queries = w.queriesPerDay * DAYS_PER_MONTH;
  const batches = consumerBatches(w);
  const query = queryRequests(w);
  const merger = mergerRequests(w);
  const puts = batches * MEASURED.consumerPutsPerBatch + merger.puts + DAYS_PER_MONTH * MEASURED.compactionPutsPerDay;
  const lists = merger.lists + DAYS_PER_MONTH * MEASURED.compactionListsPerDay + queries * query.lists;
  const gets =
    Math.min(batches, DAYS_PER_MONTH * w.shards) * MEASURED.consumerGetsPerWriterDay +
    merger.gets +
    batches * MEASURED.compactionGetsPerChunk +
    DAYS_PER_MONTH * MEASURED.compactionGetsPerDay +
    queries * query.gets;
  const gbSeconds =
    ((events * MEASURED.consumerMsPer10kRecords) / MAX_BATCH_RECORDS / 1000) * MEMORY_GB.consumer +
    ((merger.runs * MEASURED.mergerMsPerRun) / 1000) * MEMORY_GB.merger +
    ((queries * MEASURED.queryMs) / 1000) * MEMORY_GB.query +
    ((events * MEASURED.compactionMsPerEvent) / 1000) * MEMORY_GB.compactor;
  const invocations = batches + merger.runs + queries + DAYS_PER_MONTH;
  const storedGb = (events * MEASURED.storedBytesPerEvent) / GB;
  return priced('Tales (this stack)', [
    line('Kinesis shard-hours', w.shards * 24 * DAYS_PER_MONTH, 'shard-hours', p.kinesisShardHour),
    line('Kinesis PUT payload units', events, 'units', p.kinesisPutPayloadUnitsPerMillion / 1e6),
    line('S3 PUT', puts, 'requests', p.s3PutOrListPerThousand / 1000),
    line('S3 LIST', lists, 'requests', p.s3PutOrListPerThousand / 1000),
    line('S3 GET', gets, 'requests', p.s3GetPerThousand / 1000),
    line('Lambda compute (Arm)', gbSeconds, 'GB-s', p.lambdaArmGbSecond),
    line('Lambda requests', invocations, 'requests', p.lambdaRequestsPerMillion / 1e6),
    line("S3 storage of the month's events", storedGb, 'GB-month', p.s3StorageGbMonth),
  ]);
}

/** The same workload into Data Firehose (Direct PUT) converting to Parquet in S3, queried with Athena by day partition. */
export function firehoseAthenaMonth(w: Workload, p: Prices): MonthlyCost {
  const events = w.eventsPerDay * DAYS_PER_MONTH;
  const queries = w.queriesPerDay * DAYS_PER_MONTH;
  // Firehose bills each record rounded up to 5 KB.
  const billedGb = (events * 5 * 1024) / GB;
  // Without an index on actors, a query scans its days' actor, time and text columns (at least 10 MB).
  const scannedTb = (queries * Math.max(10 * 1024 ** 2, (w.queryDays ?? 1) * w.eventsPerDay * MEASURED.parquetBytesPerEvent)) / 1024 ** 4;
  return priced('Firehose → Parquet → Athena', [
    line('Firehose ingestion (5 KB records)', billedGb, 'GB', p.firehoseIngestGb),
    line('Firehose format conversion', billedGb, 'GB', p.firehoseFormatConversionGb),
    line('Athena data scanned', scannedTb, 'TB', p.athenaScannedTb),
    line("S3 storage of the month's events", (events * MEASURED.parquetBytesPerEvent) / GB, 'GB-month', p.s3StorageGbMonth),
  ]);
}

/** The same workload in a DynamoDB on-demand table keyed by actor (one item per actor of an event), sorted by time. */
export function dynamoMonth(w: Workload, p: Prices): MonthlyCost {
  const items = w.eventsPerDay * DAYS_PER_MONTH * ACTORS_PER_EVENT;
  const queries = w.queriesPerDay * DAYS_PER_MONTH;
  // Newest 50 of an actor over any days: 50 items of ~150 B, one eventually consistent read unit (8 KB).
  return priced('DynamoDB keyed by actor', [
    line('Write request units', items, 'WRU', p.dynamoWriteUnitsPerMillion / 1e6),
    line('Read request units', queries, 'RRU', p.dynamoReadUnitsPerMillion / 1e6),
    line("Storage of the month's items", (items * DYNAMO_ITEM_BYTES) / GB, 'GB-month', p.dynamoStorageGbMonth),
  ]);
}

function line(item: string, quantity: number, unit: string, unitPrice: number): CostLine {
  return { item, quantity, unit, usd: quantity * unitPrice };
}

function priced(design: string, lines: CostLine[]): MonthlyCost {
  return { design, lines, totalUsd: lines.reduce((sum, l) => sum + l.usd, 0) };
}
