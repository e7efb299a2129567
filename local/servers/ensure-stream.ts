import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { sleep } from '../poller/sleep';

/**
 * Creates `streamName` with `shards` shards unless it exists, and waits until it is ACTIVE. An existing
 * stream keeps its shards. Returns the stream's open shard count.
 */
export async function ensureStream(kinesis: KinesisClient, streamName: string, shards: number): Promise<number> {
  for (let created = false; ; ) {
    try {
      const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (summary?.StreamStatus === 'ACTIVE') return summary.OpenShardCount ?? 0;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException' || created) throw error;
      await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
      created = true;
      continue;
    }
    await sleep(20);
  }
}
