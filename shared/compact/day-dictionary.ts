import { BlockRows } from '../chunk/block';
import type { BlockEntry } from '../chunk/directory';
import { concatBytes } from '../codec/bytes';
import { verifyCrc32 } from '../codec/checksum';
import { withKey } from '../codec/errors';
import { mapLimit } from '../util/map-limit';
import type { CompactContext } from './compact-day';
import type { OpenSource } from './day-events';
import { getRange } from './read-source';

/** Source chunks a day's dictionary is sampled from, spread evenly across the day. */
const SAMPLED_SOURCES = 32;

const encoder = new TextEncoder();

/**
 * A raw-content zstd dictionary of `bytes` for the day: an equal share of text from up to 32 source
 * chunks spread across the day (by start time), taken from the chunk's own dictionary (itself texts
 * sampled across the chunk) or, for a chunk of one block, from that block. At most 32 ranged GETs.
 */
export async function sampleDayDictionary(ctx: CompactContext, sources: readonly OpenSource[], bytes: number): Promise<Uint8Array> {
  if (bytes === 0) return new Uint8Array(0);
  const byStart = [...sources].sort((a, b) => a.index.minTime - b.index.minTime || a.number - b.number);
  const count = Math.min(SAMPLED_SOURCES, byStart.length);
  const picked = Array.from({ length: count }, (_, i) => byStart[Math.floor((i * byStart.length) / count)] as OpenSource);
  const share = Math.ceil(bytes / count);
  const samples = await mapLimit(picked, 8, async (source) => (await sampleOf(ctx, source)).subarray(0, share));
  return concatBytes(samples).subarray(0, bytes);
}

async function sampleOf(ctx: CompactContext, source: OpenSource): Promise<Uint8Array> {
  const own = source.dictionaries[0];
  if (own) return own;
  const { chunk, index } = source;
  const entry = index.blocks[0] as BlockEntry;
  const compressed = await getRange(ctx.s3, ctx.bucket, chunk.key, chunk.record.etag, chunk.record.indexSize + entry.offset, entry.size);
  return withKey(chunk.key, () => {
    verifyCrc32(compressed, entry.crc, 'block 0');
    const rows = BlockRows.decode(
      ctx.zstd.decompress(compressed, entry.rawSize),
      entry.count,
      index.dayStart + entry.minTime,
      index.dayStart + entry.maxTime,
    );
    return concatBytes(Array.from({ length: entry.count }, (_, i) => encoder.encode(rows.row(i, i).text)));
  });
}
