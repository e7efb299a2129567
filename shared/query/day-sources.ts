import { FormatError } from '../codec/errors';
import type { ChunkRecord } from '../manifest/manifest';
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
 * place that knows where a day's data lives, so a compacted form can be added beside it. A writer
 * that has stored a first chunk but no manifest yet has nothing visible.
 */
export async function daySources(ctx: QueryContext, day: number, stats: QueryStats): Promise<ChunkRef[]> {
  const writers: string[] = [];
  for await (const folder of listFolders(ctx, ctx.layout.writersPrefix(day), stats)) writers.push(ctx.layout.writerOfPrefix(day, folder));
  const manifests = await mapLimit(writers, ctx.concurrency, async (writer) => {
    const key = ctx.layout.manifestKey(day, writer);
    const read = { requests: 0, bytes: 0 };
    try {
      return await readManifest(ctx.s3, ctx.bucket, key, writer, day, read);
    } catch (error) {
      throw error instanceof FormatError ? error : new StoreReadError(key, error);
    } finally {
      if (read.requests) stats.countGet('manifest', read.bytes);
    }
  });
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
