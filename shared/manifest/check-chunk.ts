import type { ChunkIndex } from '../chunk/chunk-index';
import { CorruptError } from '../codec/errors';
import type { ChunkRecord } from './manifest';

/**
 * Throws a CorruptError naming `key` when an opened chunk disagrees with its manifest's day or entry:
 * it is not the chunk the manifest meant.
 */
export function checkChunk(index: ChunkIndex, key: string, record: ChunkRecord, day: number): void {
  const facts: [string, number, number][] = [
    ['day', index.header.day, day],
    ['entries', index.entryCount, record.entries],
    ['minTime', index.minTime, record.minTime],
    ['maxTime', index.maxTime, record.maxTime],
    ['indexSize', index.indexSize, record.indexSize],
    ['size', index.objectSize, record.size],
  ];
  for (const [name, found, expected] of facts) {
    if (found !== expected) throw new CorruptError(`chunk ${name} is ${found}, its manifest says ${expected}`, key);
  }
}
