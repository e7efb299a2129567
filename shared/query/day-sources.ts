import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CorruptError } from '../codec/errors';
import { dayName } from '../layout/day';
import { type ChunkRecord, decodeManifest, type Manifest } from '../manifest/manifest';
import { mapLimit } from '../util/map-limit';
import type { QueryContext } from './context';
import { StoreReadError } from './errors';
import { listFolders } from './list-folders';
import type { QueryStats } from './stats';

/** One chunk a query may read, with what its manifest says about it. */
export interface ChunkRef {
  readonly day: number;
  readonly writer: string;
  readonly key: string;
  readonly record: ChunkRecord;
}

/**
 * The chunks that hold a day's events: each writer's manifest, read in parallel. This is the one
 * place that knows where a day's data lives, so a compacted form can be added beside it.
 */
export async function daySources(ctx: QueryContext, day: number, stats: QueryStats): Promise<ChunkRef[]> {
  const writers: string[] = [];
  for await (const folder of listFolders(ctx, ctx.layout.writersPrefix(day), stats)) writers.push(ctx.layout.writerOfPrefix(day, folder));
  const manifests = await mapLimit(writers, ctx.concurrency, (writer) => readManifest(ctx, day, writer, stats));
  return manifests.flatMap((manifest) =>
    manifest
      ? manifest.chunks.map((record) => ({
          day,
          writer: manifest.writer,
          key: ctx.layout.chunkKey(day, manifest.writer, record.seq),
          record,
        }))
      : [],
  );
}

/** A writer's manifest; undefined while the writer has stored a first chunk but no manifest yet (it is not visible). */
async function readManifest(ctx: QueryContext, day: number, writer: string, stats: QueryStats): Promise<Manifest | undefined> {
  const key = ctx.layout.manifestKey(day, writer);
  let text: string;
  try {
    const response = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    text = response.Body ? await response.Body.transformToString() : '';
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') {
      stats.countGet('manifest', 0);
      return undefined;
    }
    throw new StoreReadError(key, error);
  }
  stats.countGet('manifest', Buffer.byteLength(text));
  const manifest = decodeManifest(text, key);
  if (manifest.writer !== writer || manifest.day !== day) {
    throw new CorruptError(
      `manifest names writer ${manifest.writer} on ${dayName(manifest.day)}, its key says ${writer} on ${dayName(day)}`,
      key,
    );
  }
  return manifest;
}
