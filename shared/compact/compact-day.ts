import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { listFolders } from '../aws/list-folders';
import type { BlockCompressor } from '../codec/zstd';
import { CLOSE_AFTER_MS, dayClosesAt } from '../layout/day';
import type { KeyLayout } from '../layout/keys';
import { readManifest } from '../manifest/read-manifest';
import { type StoredChunk, storedChunks } from '../manifest/stored-chunks';
import { mapLimit } from '../util/map-limit';
import { mergeDayEvents, openSource } from './day-events';
import type { DayInput } from './day-input';
import { CompactionError } from './errors';
import type { CompactMeta, ReencodedDayMeta } from './meta';
import { readCompactMeta } from './read-meta';
import { sourceSample } from './source-sample';
import { type CompactStats, type WriteDayOptions, writeDay } from './write-day';

export interface CompactContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
}

export interface CompactOptions extends WriteDayOptions {
  /** A day is closed this long after it ends (the ingest skew window plus the batching delay). @default 26 h */
  readonly closeAfterMs?: number;
  /** Compact even a day that is not closed yet (later chunks of it stay writer chunks). @default false */
  readonly force?: boolean;
  /** Source heads read at once, and source chunks whose blocks are read ahead of the merge. @default 8 */
  readonly concurrency?: number;
}

export type CompactOutcome =
  | { readonly status: 'compacted'; readonly meta: ReencodedDayMeta; readonly stats: CompactStats }
  | { readonly status: 'already-compacted'; readonly meta: CompactMeta }
  | { readonly status: 'not-closed' | 'empty' };

/**
 * Re-encodes every writer chunk of `day` into one time-ordered index object and one data object (see
 * docs/format.md, Compacted day), then commits by writing the metadata. Entries stream through in day
 * order (time, writer, seq, ordinal), each keeping its source's (writer, seq, ordinal), so results and
 * cursors are those of the writer chunks. Safe to retry at any point: objects are named by a hash of the
 * sources and the encoding, so a retry rewrites the same keys with the same bytes, and a committed day
 * is left alone.
 */
export async function compactDay(ctx: CompactContext, day: number, options: CompactOptions): Promise<CompactOutcome> {
  const { closeAfterMs = CLOSE_AFTER_MS, force = false, concurrency = 8 } = options;
  const committed = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
  if (committed) return { status: 'already-compacted', meta: committed };
  const refs = await writerChunks(ctx, day, concurrency);
  if (refs.length === 0) return { status: 'empty' };
  if (!force && dayClosesAt(day, closeAfterMs) > options.now) return { status: 'not-closed' };
  const generation = generationOf(day, refs, options);
  const sources = await mapLimit(refs, concurrency, (ref, n) => openSource(ctx.s3, ctx.bucket, ctx.zstd, ref, n));
  const input: DayInput = {
    chunks: refs.map(({ writer, record }) => ({ writer, seq: record.seq, etag: record.etag })),
    samples: sources.map((source) => sourceSample(ctx.s3, ctx.bucket, ctx.zstd, source)),
    events: () => mergeDayEvents(ctx.s3, ctx.bucket, ctx.zstd, sources, { readAhead: concurrency }),
  };
  const written = await writeDay(ctx, day, generation, input, options, undefined);
  if (written.status === 'written') return { status: 'compacted', meta: written.meta, stats: written.stats };
  const winner = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
  if (!winner) throw new CompactionError('the metadata refused this commit but is missing', ctx.layout.compactMetaKey(day));
  return { status: 'already-compacted', meta: winner };
}

/** Every chunk of the day's writers, in (writer, seq) order (the merger folds them too). */
export async function writerChunks(ctx: CompactContext, day: number, concurrency: number): Promise<StoredChunk[]> {
  const writers: string[] = [];
  for await (const folder of listFolders(ctx.s3, ctx.bucket, ctx.layout.writersPrefix(day)))
    writers.push(ctx.layout.writerOfPrefix(day, folder));
  writers.sort();
  const manifests = await mapLimit(writers, concurrency, (writer) =>
    readManifest(ctx.s3, ctx.bucket, ctx.layout.manifestKey(day, writer), writer, day),
  );
  return storedChunks(ctx.layout, manifests);
}

/** Names the day's objects by what makes their bytes: the sources and the encoding's settings. */
function generationOf(day: number, refs: readonly StoredChunk[], options: CompactOptions): string {
  const { blockSize, level, dictionaryBytes, keep } = options;
  const hash = createHash('sha256').update(`${day} v2 ${blockSize ?? ''} ${level ?? ''} ${dictionaryBytes ?? ''} ${keep?.id ?? ''}`);
  for (const { writer, record } of refs) hash.update(`\n${writer} ${record.seq} ${record.etag}`);
  return hash.digest('hex').slice(0, 16);
}
