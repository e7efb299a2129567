/** Stores the shared workload as a consumer would: several writers (shards), 10,000-record batches through the writer. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { BlockCompressor } from '../shared/codec/zstd';
import type { KeyLayout } from '../shared/layout/keys';
import { writeBatch } from '../shared/writer/write-batch';
import { jsonPayload, syntheticRecords } from '../test/support/stream-records';
import { eventAt, type Workload } from './workload';

export interface LoadOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  readonly writers: number;
  readonly batch: number;
}

export interface Loaded {
  readonly chunks: number;
  readonly bytes: number;
  readonly ms: number;
}

/** Kinesis routes a record by a hash of its partition key (the first actor); any fixed spread will do. */
export function writerOf(firstActor: number, writers: number): number {
  return (Math.imul(firstActor, 2_654_435_761) >>> 0) % writers;
}

export async function loadWorkload(workload: Workload, options: LoadOptions): Promise<Loaded> {
  const start = performance.now();
  const byWriter: number[][] = Array.from({ length: options.writers }, () => []);
  for (let i = 0; i < workload.ts.length; i++)
    byWriter[writerOf(workload.actorVals[workload.actorOff[i] as number] as number, options.writers)]?.push(i);
  const context = { s3: options.s3, bucket: options.bucket, layout: options.layout, zstd: options.zstd };
  const totals = await Promise.all(
    byWriter.map(async (indices, w) => {
      let chunks = 0;
      let bytes = 0;
      for (let at = 0; at < indices.length; at += options.batch) {
        const payloads = indices.slice(at, at + options.batch).map((i) => {
          const event = eventAt(workload, i);
          return jsonPayload(event, String(event.actors[0]));
        });
        const records = syntheticRecords(payloads, { shardId: `shardId-00000000000${w}`, first: 49_000_000_000_000_000_000n + BigInt(at) });
        // The writer's clock is the batch's last event, as a consumer's would be: no chunk is late (format.md, Late chunks).
        const arrival = workload.ts[indices[Math.min(at + options.batch, indices.length) - 1] as number] as number;
        const result = await writeBatch({ ...context, clock: () => arrival }, records);
        if (result.retryFrom !== undefined) throw new Error(`loading writer ${w} failed at ${result.retryFrom}`);
        chunks += result.chunks;
        bytes += result.chunkBytes;
      }
      return { chunks, bytes };
    }),
  );
  return {
    chunks: totals.reduce((sum, t) => sum + t.chunks, 0),
    bytes: totals.reduce((sum, t) => sum + t.bytes, 0),
    ms: performance.now() - start,
  };
}
