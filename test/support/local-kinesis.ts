import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { ensureStream } from '../../local/servers/ensure-stream';
import { startKinesisServer } from '../../local/servers/kinesis-server';
import { createKinesisClient } from '../../shared/aws/kinesis-client';

/** An in-process kinesalite on a free loopback port and a real SDK client for it. */
export interface LocalKinesis {
  readonly kinesis: KinesisClient;
  readonly endpoint: string;
  /** Creates a stream and waits until it is ACTIVE; returns its shard ids. */
  createStream(name: string, shards?: number): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startLocalKinesis(): Promise<LocalKinesis> {
  const server = await startKinesisServer();
  const kinesis = createKinesisClient({ endpoint: server.endpoint });
  return {
    kinesis,
    endpoint: server.endpoint,
    async createStream(name, shards = 1) {
      await ensureStream(kinesis, name, shards);
      const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
      return (Shards ?? []).map((s) => s.ShardId as string);
    },
    async stop() {
      kinesis.destroy();
      await server.close();
    },
  };
}
