import { DescribeStreamCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { backoffDelay } from '../../shared/kinesis/backoff';
import { CheckpointStore } from './checkpoint-store';
import { readShard } from './shard-reader';
import { sleep } from './sleep';
import type { BatchConsumer, FailureDestination, PollerLogger, PollerStats, PollingOptions } from './types';

export interface StreamPollerOptions extends PollingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly consumer: BatchConsumer;
  /** The JSON file that keeps each shard's checkpoint across restarts. */
  readonly checkpointFile: string;
  readonly logger: PollerLogger;
  /** Where a batch goes once its retries or its age run out. @default - none: a failing batch is retried forever */
  readonly onFailure?: FailureDestination;
  /** How often to look for new shards (after a reshard), in ms. @default 5000 */
  readonly discoverMs?: number;
}

export interface StreamPoller {
  readonly stats: Readonly<PollerStats>;
  /** Stops reading: each shard finishes its batch in flight and writes its checkpoint. */
  stop(): Promise<void>;
}

const DEFAULTS: Required<PollingOptions> = {
  batchSize: 10_000,
  batchWindowMs: 1000,
  idleMs: 250,
  retryBaseMs: 200,
  retryMaxMs: 10_000,
  retryAttempts: 10_000,
  maxRecordAgeMs: 6 * 3_600_000,
};

/**
 * Feeds the consumer from every shard of a stream, like the Lambda event source mapping with a
 * parallelization factor of 1: one reader per shard, one batch in flight per shard. Shards are listed
 * again every `discoverMs`; a shard made by a reshard starts once its parents are fully delivered.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { kinesis, streamName, consumer, logger, discoverMs = 5000 } = options;
  const polling: Required<PollingOptions> = { ...DEFAULTS, ...definedOf(options) };
  if (!Number.isInteger(polling.batchSize) || polling.batchSize < 1 || polling.batchSize > 10_000) {
    throw new RangeError(`batch size must be an integer in 1..10000 (given ${polling.batchSize})`);
  }
  const description = await describe(kinesis, streamName);
  const origin = { streamArn: description.arn, region: regionOf(description.arn) };
  const checkpoints = await CheckpointStore.open(options.checkpointFile, `${description.arn}@${description.created}`);
  const stats: PollerStats = { batches: 0, records: 0, failures: 0 };
  const abort = new AbortController();
  const readers = new Map<string, Promise<void>>();

  const startReady = (shards: readonly Shard[]) => {
    const listed = new Set(shards.map((shard) => shard.ShardId));
    // A parent still listed must be fully delivered first, so each actor's records keep their order.
    const delivered = (parent: string | undefined) => !parent || !listed.has(parent) || checkpoints.get(parent).ended === true;
    for (const shard of shards) {
      const shardId = shard.ShardId as string;
      if (readers.has(shardId) || checkpoints.get(shardId).ended) continue;
      if (!delivered(shard.ParentShardId) || !delivered(shard.AdjacentParentShardId)) continue;
      const reader = readShard({
        kinesis,
        streamName,
        shardId,
        origin,
        consumer,
        ...(options.onFailure ? { onFailure: options.onFailure } : {}),
        checkpoints,
        logger,
        stats,
        options: polling,
        signal: abort.signal,
      });
      readers.set(
        shardId,
        reader.catch((error: unknown) => logger.error('shard reader stopped', { shardId, error })),
      );
    }
  };

  startReady(description.shards);
  const discovery = (async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      await sleep(failures === 0 ? discoverMs : backoffDelay(failures, { baseMs: 1000, maxMs: 30_000 }), abort.signal);
      if (abort.signal.aborted) return;
      try {
        startReady((await describe(kinesis, streamName)).shards);
        failures = 0;
      } catch (error) {
        failures++;
        logger.warn('listing shards failed; retrying', { streamName, error });
      }
    }
  })();

  return {
    stats,
    async stop() {
      abort.abort();
      await discovery;
      await Promise.all(readers.values());
      await checkpoints.flushed();
    },
  };
}

interface StreamDescription {
  readonly arn: string;
  readonly created: number;
  readonly shards: Shard[];
}

async function describe(kinesis: KinesisClient, streamName: string): Promise<StreamDescription> {
  const shards: Shard[] = [];
  let arn = '';
  let created = 0;
  for (let more = true, after: string | undefined; more; ) {
    const { StreamDescription: stream } = await kinesis.send(
      new DescribeStreamCommand({ StreamName: streamName, ...(after ? { ExclusiveStartShardId: after } : {}) }),
    );
    if (!stream) throw new Error(`stream ${streamName} has no description`);
    arn = stream.StreamARN ?? arn;
    created = stream.StreamCreationTimestamp?.getTime() ?? created;
    shards.push(...(stream.Shards ?? []));
    after = shards.at(-1)?.ShardId;
    more = stream.HasMoreShards === true && after !== undefined;
  }
  return { arn, created, shards };
}

function regionOf(arn: string): string {
  return arn.split(':')[3] || 'us-east-1';
}

function definedOf(options: PollingOptions): PollingOptions {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => key in DEFAULTS && value !== undefined));
}
