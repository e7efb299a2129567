import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listFolders } from '../aws/list-folders';
import type { DirectoryInput } from '../chunk/directory';
import { writeIndex } from '../chunk/index-writer';
import type { BlockCompressor } from '../codec/zstd';
import { DAY_MS } from '../layout/day';
import type { KeyLayout } from '../layout/keys';
import { readManifest } from '../manifest/read-manifest';
import { type StoredChunk, storedChunks } from '../manifest/stored-chunks';
import { mapLimit } from '../util/map-limit';
import { concatenate, type MoveStats } from './concatenate';
import { type CompactMeta, type CompactSource, encodeCompactMeta } from './meta';
import { MIN_PART_BYTES, planParts } from './plan-parts';
import { readCompactMeta } from './read-meta';
import { readSourceIndex, type SourceIndex } from './read-source';

export interface CompactContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
}

export interface CompactOptions {
  readonly now: number;
  /** A day is closed this long after it ends (the ingest skew window plus the batching delay). @default 26 h */
  readonly closeAfterMs?: number;
  /** Compact even a day that is not closed yet (later chunks of it stay writer chunks). @default false */
  readonly force?: boolean;
  /** Actors with at most this many entries keep them in the directory. @default 4: the directory of a whole day stays small */
  readonly inlineMax?: number;
  /** @default 5 */
  readonly level?: number;
  /** @default true */
  readonly serverSideCopy?: boolean;
  /** @default 5 MiB, S3's minimum */
  readonly minPartBytes?: number;
  /** @default 8 */
  readonly concurrency?: number;
}

export type CompactOutcome =
  | { readonly status: 'compacted'; readonly meta: CompactMeta; readonly moved: MoveStats; readonly indexBytes: number }
  | { readonly status: 'already-compacted'; readonly meta: CompactMeta }
  | { readonly status: 'not-closed' | 'empty' };

export const CLOSE_AFTER_MS = 26 * 3_600_000;

/**
 * Merges every writer chunk of `day` into one index over day ordinals plus one data object of
 * their blocks, then commits by writing the metadata. Safe to retry at any point: objects are
 * named by a hash of the sources, so a retry rewrites the same keys with the same bytes, and a
 * committed day is left alone.
 */
export async function compactDay(ctx: CompactContext, day: number, options: CompactOptions): Promise<CompactOutcome> {
  const { closeAfterMs = CLOSE_AFTER_MS, force = false, inlineMax = 4, level = 5, concurrency = 8 } = options;
  const committed = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
  if (committed) return { status: 'already-compacted', meta: committed };
  const refs = await writerChunks(ctx, day, concurrency);
  if (refs.length === 0) return { status: 'empty' };
  if (!force && (day + 1) * DAY_MS + closeAfterMs > options.now) return { status: 'not-closed' };
  const generation = generationOf(day, refs);
  const sources = await mapLimit(refs, concurrency, (ref) => readSourceIndex(ctx.s3, ctx.bucket, ctx.zstd, ref));

  const parts = planParts(
    sources.map(({ key, record }) => ({ key, etag: record.etag, offset: record.indexSize, length: record.size - record.indexSize })),
    options.minPartBytes ?? MIN_PART_BYTES,
  );
  const dataKey = ctx.layout.compactDataKey(day, generation);
  const indexKey = ctx.layout.compactIndexKey(day, generation);
  try {
    const data = await concatenate(ctx.s3, ctx.bucket, dataKey, parts, {
      serverSideCopy: options.serverSideCopy ?? true,
      concurrency,
    });
    const merged = mergeIndexes(sources);
    const index = writeIndex({ day, inlineMax, level, ...merged }, ctx.zstd);
    const putIndex = await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: indexKey, Body: index.bytes }));
    const meta: CompactMeta = {
      day,
      generation,
      headSize: index.directoryEnd,
      indexSize: index.indexSize,
      indexEtag: putIndex.ETag ?? '',
      dataSize: merged.blocksSize,
      dataEtag: data.etag,
      sources: merged.sources,
      committedAt: options.now,
    };
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: ctx.layout.compactMetaKey(day),
        Body: encodeCompactMeta(meta),
        ContentType: 'application/json',
      }),
    );
    return { status: 'compacted', meta, moved: data.stats, indexBytes: index.bytes.length };
  } catch (error) {
    // Nothing is committed: remove what this run wrote, so a day whose sources change leaves no orphan.
    await ctx.s3
      .send(new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: [{ Key: dataKey }, { Key: indexKey }], Quiet: true } }))
      .catch(() => undefined);
    throw error;
  }
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

function generationOf(day: number, refs: readonly StoredChunk[]): string {
  const hash = createHash('sha256').update(String(day));
  for (const { writer, record } of refs) hash.update(`\n${writer} ${record.seq} ${record.etag}`);
  return hash.digest('hex').slice(0, 16);
}

/** One block table, dictionary list and set of postings over day ordinals: each source shifted by its base. */
export function mergeIndexes(sources: readonly SourceIndex[]) {
  const blocks: DirectoryInput['blocks'][number][] = [];
  const dictionaries: Uint8Array[] = [];
  const byActor = new Map<number, Uint32Array[]>();
  const placed: CompactSource[] = [];
  let base = 0;
  let blocksSize = 0;
  for (const { writer, record, index, postings, dictionaries: own } of sources) {
    const dictionaryBase = dictionaries.length;
    placed.push({
      writer,
      seq: record.seq,
      etag: record.etag,
      entries: index.entryCount,
      base,
      firstBlock: blocks.length,
      blocks: index.blocks.length,
      minTime: record.minTime,
      maxTime: record.maxTime,
    });
    for (const block of index.blocks) {
      blocks.push({ ...block, dictionary: block.dictionary < 0 ? -1 : block.dictionary + dictionaryBase });
    }
    dictionaries.push(...own);
    for (const [actor, ordinals] of postings) {
      const shifted = ordinals.map((ordinal) => ordinal + base);
      const lists = byActor.get(actor);
      if (lists) lists.push(shifted);
      else byActor.set(actor, [shifted]);
    }
    base += index.entryCount;
    blocksSize += index.header.blocksSize;
  }
  if (base > 0xffff_ffff) throw new RangeError(`a compacted day holds at most 2^32-1 entries (this day has ${base})`);
  const merged = new Map([...byActor].map(([actor, lists]) => [actor, joinAscending(lists)]));
  return { entryCount: base, blocks, blocksSize, dictionaries, postings: merged, sources: placed };
}

function joinAscending(lists: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((n, list) => n + list.length, 0));
  let at = 0;
  for (const list of lists) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}
