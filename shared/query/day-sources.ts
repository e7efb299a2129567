import { FormatError } from '../codec/errors';
import type { ChunkRecord, Manifest } from '../manifest/manifest';
import { readManifest } from '../manifest/read-manifest';
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
 *
 * The day's writers come from listing its folder; the manifests of the writers seen last time
 * (usually the same shards) are fetched during that list, which saves a round trip. A writer that has
 * stored a first chunk but no manifest yet has nothing visible.
 */
export async function daySources(ctx: QueryContext, day: number, stats: QueryStats): Promise<ChunkRef[]> {
  const read = (writer: string) => manifestOf(ctx, day, writer, stats);
  const guessed = ctx.writerHint.names;
  const early = mapLimit(guessed, ctx.concurrency, read);
  // If the list fails, the manifest reads already started must settle before the error goes up.
  early.catch(() => undefined);
  let writers: string[];
  try {
    writers = [];
    for await (const folder of listFolders(ctx, ctx.layout.writersPrefix(day), stats)) writers.push(ctx.layout.writerOfPrefix(day, folder));
  } catch (error) {
    await Promise.allSettled([early]);
    throw error;
  }
  ctx.writerHint.names = writers;
  const late = await mapLimit(
    writers.filter((writer) => !guessed.includes(writer)),
    ctx.concurrency,
    read,
  );
  // A guessed writer missing from the list has no manifest (or one written since: newer, and kept).
  const manifests = [...(await early), ...late];
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

async function manifestOf(ctx: QueryContext, day: number, writer: string, stats: QueryStats): Promise<Manifest | undefined> {
  const key = ctx.layout.manifestKey(day, writer);
  const read = { requests: 0, bytes: 0 };
  try {
    return await readManifest(ctx.s3, ctx.bucket, key, writer, day, read);
  } catch (error) {
    throw error instanceof FormatError ? error : new StoreReadError(key, error);
  } finally {
    if (read.requests) stats.countGet('manifest', read.bytes);
  }
}
