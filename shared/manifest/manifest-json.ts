import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import { parseDayName } from '../layout/day';
import { checkWriter } from '../layout/keys';
import { type ChunkRecord, checkChunks, type Manifest } from './manifest';
import { isSequenceNumber } from './sequence-number';

export const JSON_MANIFEST_FORMAT = 'tales.manifest';
export const JSON_MANIFEST_VERSION = 1;

/**
 * Parses and validates a manifest in its JSON form (format version 1, written until the binary form
 * replaced it; docs/format.md); any fault is a CorruptError naming `key`.
 */
export function decodeJsonManifest(text: string, key: string): Manifest {
  return decodeStoredJson(text, key, 'manifest', parse);
}

function parse(value: unknown): Manifest {
  const root = jsonObject(value, 'manifest');
  if (root.format !== JSON_MANIFEST_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${JSON_MANIFEST_FORMAT}"`);
  if (root.version !== JSON_MANIFEST_VERSION) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  if (typeof root.writer !== 'string') throw new Error('writer must be a string');
  if (typeof root.day !== 'string') throw new Error('day must be a string');
  if (!Array.isArray(root.chunks)) throw new Error('chunks must be an array');
  const manifest: Manifest = {
    writer: checkWriter(root.writer),
    day: parseDayName(root.day),
    chunks: root.chunks.map((chunk, i) => parseChunk(chunk, i)),
  };
  checkChunks(manifest);
  return manifest;
}

function parseChunk(value: unknown, i: number): ChunkRecord {
  const chunk = jsonObject(value, `chunk ${i}`);
  const int = (name: string) => jsonInt(chunk, name, `chunk ${i} `);
  const etag = jsonString(chunk, 'etag', `chunk ${i} `);
  if (!isSequenceNumber(chunk.watermark)) throw new Error(`chunk ${i} watermark must be a Kinesis sequence number`);
  if (chunk.first !== undefined && !isSequenceNumber(chunk.first)) throw new Error(`chunk ${i} first must be a Kinesis sequence number`);
  return {
    seq: int('seq'),
    entries: int('entries'),
    minTime: int('minTime'),
    maxTime: int('maxTime'),
    headSize: int('headSize'),
    indexSize: int('indexSize'),
    size: int('size'),
    etag,
    watermark: chunk.watermark,
    ...(chunk.first !== undefined ? { first: chunk.first } : {}),
  };
}
