import type { S3Client } from '@aws-sdk/client-s3';
import type { ChunkOptions } from '../chunk/options';
import type { BlockCompressor } from '../codec/zstd';
import type { KeyLayout } from '../layout/keys';
import type { ManifestCache } from './manifest-cache';

/** What the writer needs: its S3 client and bucket, the key layout, and how to build chunks. */
export interface WriterContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  readonly chunkOptions?: ChunkOptions;
  /** Clock for the phase timings, in ms. @default performance.now */
  readonly now?: () => number;
  /** Wall clock, epoch ms, to age an unlisted chunk. @default Date.now */
  readonly clock?: () => number;
  /**
   * How long after its end a day may still gain chunks unmarked (TALES_CLOSE_AFTER_MS, as the query, merger
   * and compactor read it); a chunk written later puts the day's late-chunks marker first (late-marker.ts).
   * Never more than theirs: 0 marks every chunk of a day that ended. @default CLOSE_AFTER_MS (26 h)
   */
  readonly closeAfterMs?: number;
  /** How old an unlisted chunk with other content must be before a writer replaces it. @default 15 minutes */
  readonly orphanAfterMs?: number;
  /**
   * The writer-day manifests this process wrote last, kept across batches so that a batch skips the
   * manifest GET (one per process, as the consumer Lambda's). @default - none: every batch reads them
   */
  readonly manifests?: ManifestCache;
}

/** One S3 object that could not be read or written; the batch retries from `retryFrom`. */
export interface WriteFailure {
  readonly key: string;
  readonly error: unknown;
}

export interface BatchResult {
  /** The shard id; undefined for an empty batch. */
  readonly writer: string | undefined;
  /**
   * Sequence number of the first record Lambda must deliver again (the batch item failure);
   * undefined when every record of the batch is durable.
   */
  readonly retryFrom: string | undefined;
  readonly failures: readonly WriteFailure[];
  readonly records: number;
  /** Events newly made durable in chunks by this call. */
  readonly eventsWritten: number;
  /** Events skipped because a manifest watermark shows them already durable (a retry). */
  readonly eventsSkipped: number;
  /** Rejected records written under `rejected/` by this call. */
  readonly rejected: number;
  readonly chunks: number;
  readonly chunkBytes: number;
  readonly puts: number;
  readonly bytesPut: number;
  readonly decodeMs: number;
  readonly buildMs: number;
  /** Time spent in S3 calls, summed (days are written in parallel, so it can exceed the wall time). */
  readonly s3Ms: number;
}
