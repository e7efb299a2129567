import { DeleteStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { eventSourceRecord } from '../../local/poller/event-source-record';
import type { LocalKinesis } from './local-kinesis';
import { readShardFromStart } from './read-stream';

/** One record to publish: its raw data and partition key. */
export interface Payload {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

const encoder = new TextEncoder();

/** The data of a Kinesis record holding `value` as JSON (what SDK producers publish). */
export function jsonPayload(value: unknown, partitionKey = '1'): Payload {
  return { data: encoder.encode(JSON.stringify(value)), partitionKey };
}

let streams = 0;

/**
 * Publishes `payloads` (in order) to a new stream on a local Kinesis with PutRecords, reads them
 * back with GetShardIterator/GetRecords, and returns them as the event source mapping would deliver
 * them, per shard in sequence order. The stream is deleted afterwards.
 */
export async function publishAndRead(
  local: LocalKinesis,
  payloads: readonly Payload[],
  shards = 1,
): Promise<Map<string, KinesisStreamRecord[]>> {
  const stream = `stream-${process.pid}-${++streams}`;
  const shardIds = await local.createStream(stream, shards);
  for (let at = 0; at < payloads.length; at += 500) {
    const Records = payloads.slice(at, at + 500).map((p) => ({ Data: p.data, PartitionKey: p.partitionKey }));
    const output = await local.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records }));
    if (output.FailedRecordCount) throw new Error(`${output.FailedRecordCount} records failed to publish`);
  }
  const byShard = new Map<string, KinesisStreamRecord[]>();
  for (const shardId of shardIds) {
    const records = await readShardFromStart(local.kinesis, stream, shardId);
    const delivered = records.map((record) => eventSourceRecord(shardId, record));
    byShard.set(shardId, delivered);
  }
  // kinesalite limits the shards open at once; tests publish many small workloads.
  await local.kinesis.send(new DeleteStreamCommand({ StreamName: stream }));
  return byShard;
}

/**
 * Records shaped as the event source delivers them without a Kinesis server: for tests that need many
 * batches quickly (the sequence numbers count up from `first`, arrivals from `arrivalMs`).
 */
export function syntheticRecords(
  payloads: readonly Payload[],
  { shardId = 'shardId-000000000000', first = 49_000_000_000_000_000_000n, arrivalMs = Date.UTC(2026, 6, 1, 12) } = {},
): KinesisStreamRecord[] {
  return payloads.map((payload, i) =>
    eventSourceRecord(shardId, {
      SequenceNumber: String(first + BigInt(i)),
      ApproximateArrivalTimestamp: new Date(arrivalMs + i),
      Data: payload.data,
      PartitionKey: payload.partitionKey,
    }),
  );
}

export function kinesisEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}
