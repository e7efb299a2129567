import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** A record as read back from a stream: where it landed and its data decoded as UTF-8. */
export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly text: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Every record of every shard of `streamName`, from the start, each shard in sequence order. */
export async function readStream(kinesis: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }));
  const records: StoredRecord[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    const shardId = shard.ShardId as string;
    for (const record of await readShardFromStart(kinesis, streamName, shardId)) {
      records.push({
        shardId,
        sequenceNumber: record.SequenceNumber as string,
        partitionKey: record.PartitionKey as string,
        text: decoder.decode(record.Data),
      });
    }
  }
  return records;
}

/** The records of one shard from its trim horizon up to the first empty page (what is there now), in sequence order. */
export async function readShardFromStart(kinesis: KinesisClient, streamName: string, shardId: string): Promise<_Record[]> {
  const start = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const records: _Record[] = [];
  let iterator = start.ShardIterator;
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    records.push(...(page.Records ?? []));
    iterator = page.Records?.length ? page.NextShardIterator : undefined;
  }
  return records;
}
