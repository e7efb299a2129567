import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildChunk } from '../../shared/chunk/builder';
import type { ChunkOptions } from '../../shared/chunk/options';
import type { BlockCompressor } from '../../shared/codec/zstd';
import type { TalesEvent } from '../../shared/event/types';
import { CLOSE_AFTER_MS, dayNumber } from '../../shared/layout/day';
import type { KeyLayout } from '../../shared/layout/keys';
import { appendChunk, chunkRecordOf, type Manifest } from '../../shared/manifest/manifest';
import { encodeManifest } from '../../shared/manifest/manifest-codec';
import { readManifest } from '../../shared/manifest/read-manifest';
import type { Position } from '../../shared/query/order';
import { isLateChunk } from '../../shared/writer/late-marker';

export interface SeedTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  readonly chunkOptions?: ChunkOptions;
}

/** An event as stored, with its place in the query order. */
export interface StoredEvent {
  readonly event: TalesEvent;
  readonly position: Position;
}

export interface SeededWriter {
  readonly keys: string[];
  readonly stored: StoredEvent[];
}

/**
 * Stores a writer's events as the writer does: each batch (events in arrival order) becomes one
 * chunk per UTC day at the next sequence (after what the stored manifest lists), then that
 * writer-day's manifest is rewritten to list it. A chunk of a day about to close marks the day late first.
 * Returns the chunk keys and each event's position (ordinals number a chunk's events by time, then arrival).
 */
/** Watermarks only grow, across calls too, as Kinesis sequence numbers do. */
let watermark = 1000;

export interface SeedOptions {
  /** The wall clock the batches are written at, as the writer's: a chunk of a day near its close marks the day late. @default each batch's latest event time */
  readonly at?: number;
  /** @default CLOSE_AFTER_MS, as the writer's */
  readonly closeAfterMs?: number;
}

export async function seedWriter(
  target: SeedTarget,
  writer: string,
  batches: readonly (readonly TalesEvent[])[],
  options: SeedOptions = {},
): Promise<SeededWriter> {
  const { s3, bucket, layout, zstd } = target;
  const { closeAfterMs = CLOSE_AFTER_MS } = options;
  const manifests = new Map<number, Manifest>();
  const keys: string[] = [];
  const stored: StoredEvent[] = [];
  for (const batch of batches) {
    const byDay = new Map<number, TalesEvent[]>();
    for (const event of batch) {
      const day = dayNumber(event.time);
      const list = byDay.get(day);
      if (list) list.push(event);
      else byDay.set(day, [event]);
    }
    const first = String(watermark + 1);
    watermark += batch.length;
    const at = options.at ?? Math.max(...batch.map((event) => event.time));
    for (const [day, events] of byDay) {
      if (isLateChunk(day, at, closeAfterMs))
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: layout.lateChunksKey(day), Body: new Uint8Array(0) }));
      const manifest = manifests.get(day) ??
        (await readManifest(s3, bucket, layout.manifestKey(day, writer), writer, day)) ?? { writer, day, chunks: [] };
      const seq = manifest.chunks.length;
      const built = buildChunk(events, zstd, target.chunkOptions);
      const key = layout.chunkKey(day, writer, seq);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: built.bytes }));
      const next = appendChunk(manifest, chunkRecordOf(built, seq, put.ETag ?? '', first, String(watermark)));
      manifests.set(day, next);
      keys.push(key);
      [...events]
        .sort((a, b) => a.time - b.time)
        .forEach((event, ordinal) => {
          stored.push({ event, position: { time: event.time, writer, seq, ordinal } });
        });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: layout.manifestKey(day, writer), Body: encodeManifest(next) }));
    }
  }
  return { keys, stored };
}
