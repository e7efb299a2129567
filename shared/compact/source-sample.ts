import type { S3Client } from '@aws-sdk/client-s3';
import { BlockRows } from '../chunk/block';
import type { BlockEntry } from '../chunk/directory';
import { concatBytes } from '../codec/bytes';
import { verifyCrc32 } from '../codec/checksum';
import { withKey } from '../codec/errors';
import type { BlockCompressor } from '../codec/zstd';
import type { OpenSource } from './day-events';
import type { TextSample } from './day-input';
import { getRange } from './read-source';

const encoder = new TextEncoder();

/**
 * A source chunk's part of the day's dictionary: its own dictionary (itself texts sampled across the
 * chunk), or, for a chunk of one block or under a filter, the texts of its first block (kept ones only).
 */
export function sourceSample(s3: S3Client, bucket: string, zstd: BlockCompressor, source: OpenSource): TextSample {
  return {
    minTime: source.index.minTime,
    async texts(keep) {
      const own = source.dictionaries[0];
      if (own && !keep) return own;
      const { chunk, index } = source;
      const entry = index.blocks[0] as BlockEntry;
      const compressed = await getRange(s3, bucket, chunk.key, chunk.record.etag, chunk.record.indexSize + entry.offset, entry.size);
      return withKey(chunk.key, () => {
        verifyCrc32(compressed, entry.crc, 'block 0');
        const raw = zstd.decompress(compressed, entry.rawSize, entry.dictionary < 0 ? undefined : source.dictionaries[entry.dictionary]);
        const rows = BlockRows.decode(raw, entry.count, index.dayStart + entry.minTime, index.dayStart + entry.maxTime);
        const kept = Array.from({ length: entry.count }, (_, i) => rows.row(i, i)).filter((row) => keep?.(row) ?? true);
        return concatBytes(kept.map((row) => encoder.encode(row.text)));
      });
    },
  };
}
