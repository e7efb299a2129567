import type { AddressInfo } from 'node:net';
import { CreateStreamCommand, DescribeStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import { createKinesisClient } from '../../shared/aws/clients';

/** An in-process kinesalite on a free loopback port and a real SDK client for it. */
export interface LocalKinesis {
  readonly kinesis: KinesisClient;
  readonly endpoint: string;
  /** Creates a stream and waits until it is ACTIVE; returns its shard ids. */
  createStream(name: string, shards?: number): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startLocalKinesis(): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kinesis = createKinesisClient({ endpoint });
  return {
    kinesis,
    endpoint,
    async createStream(name, shards = 1) {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (;;) {
        const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
        if (StreamDescription?.StreamStatus === 'ACTIVE') return (StreamDescription.Shards ?? []).map((s) => s.ShardId as string);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      kinesis.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
