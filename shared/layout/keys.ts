import { dayName } from './day';

/** Version of the key layout; every key the system writes starts with it (or `rejected/`). */
export const LAYOUT_VERSION = 'v1';

const WRITER_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
const SEQUENCE_DIGITS = 20;

/** Key names under a configurable prefix ('' or ending in '/'). */
export class KeyLayout {
  readonly prefix: string;

  constructor(prefix = '') {
    if (prefix !== '' && !prefix.endsWith('/')) throw new RangeError(`key prefix must be empty or end with "/" (given "${prefix}")`);
    this.prefix = prefix;
  }

  /** Folder of one UTC day: `v1/YYYY-MM-DD/`. */
  dayPrefix(day: number): string {
    return `${this.prefix}${LAYOUT_VERSION}/${dayName(day)}/`;
  }

  /** Folder holding the writers of a day; list it with delimiter '/' to find them. */
  writersPrefix(day: number): string {
    return `${this.dayPrefix(day)}w/`;
  }

  writerPrefix(day: number, writer: string): string {
    return `${this.writersPrefix(day)}${checkWriter(writer)}/`;
  }

  manifestKey(day: number, writer: string): string {
    return `${this.writerPrefix(day, writer)}manifest.json`;
  }

  chunkKey(day: number, writer: string, sequence: number): string {
    return `${this.writerPrefix(day, writer)}${formatSequence(sequence)}.tale`;
  }

  /**
   * Present once a writer stored a chunk of the day so late that a seal or compaction may have missed it
   * (shared/writer/late-marker.ts): a query then reads the day's writer manifests beside its merged forms. It lies below
   * `w/` (a writer's grant) but is no writer folder: a writer id never ends without a `/` after it.
   */
  lateChunksKey(day: number): string {
    return `${this.writersPrefix(day)}late-chunks`;
  }

  compactPrefix(day: number): string {
    return `${this.dayPrefix(day)}compact/`;
  }

  /** The compacted day's metadata: written last, so its presence is the commit. */
  compactMetaKey(day: number): string {
    return `${this.compactPrefix(day)}meta.json`;
  }

  compactIndexKey(day: number, generation: string): string {
    return `${this.compactPrefix(day)}${checkGeneration(generation)}.index.tale`;
  }

  compactDataKey(day: number, generation: string): string {
    return `${this.compactPrefix(day)}${checkGeneration(generation)}.blocks`;
  }

  /** A re-encoded day's source chunks and their ETags: what its sweep may delete. */
  compactSourcesKey(day: number, generation: string): string {
    return `${this.compactPrefix(day)}${checkGeneration(generation)}.sources.json`;
  }

  /** Folder of the day's merged index segments and their manifest. */
  tierPrefix(day: number): string {
    return `${this.dayPrefix(day)}tier/`;
  }

  /** The list of the day's merged segments, rewritten by the merger with a conditional PUT. */
  tierManifestKey(day: number): string {
    return `${this.tierPrefix(day)}manifest.json`;
  }

  segmentKey(day: number, id: string): string {
    return `${this.tierPrefix(day)}${checkGeneration(id)}.index.tale`;
  }

  rejectedKey(day: number, writer: string, sequence: string): string {
    return `${this.rejectedPrefix()}${dayName(day)}/${checkWriter(writer)}/${sequence}.ndjson`;
  }

  /** Every rejected object, below which `rejectedKey` names them by day. */
  rejectedPrefix(): string {
    return `${this.prefix}rejected/`;
  }

  /** Local mode's stand-in for Lambda's S3 on-failure destination (which has a bucket of its own in AWS). */

  failedBatchesPrefix(): string {
    return `${this.prefix}failed-batches/`;
  }

  /** The writer named by a common prefix that a list of `writersPrefix(day)` returned. */
  writerOfPrefix(day: number, commonPrefix: string): string {
    const base = this.writersPrefix(day);
    if (!commonPrefix.startsWith(base) || !commonPrefix.endsWith('/')) {
      throw new RangeError(`"${commonPrefix}" is not a writer folder of ${dayName(day)}`);
    }
    return checkWriter(commonPrefix.slice(base.length, -1));
  }
}

/** A writer id is a Kinesis shard id; anything else that could escape its folder is refused. */
export function checkWriter(writer: string): string {
  if (!WRITER_PATTERN.test(writer) || writer === '.' || writer === '..')
    throw new RangeError(`invalid writer id "${writer}" (letters, digits, _ . - only)`);
  return writer;
}

/** A compaction generation is 16 hex digits (a hash prefix); anything else is refused. */
export function checkGeneration(generation: string): string {
  if (!/^[0-9a-f]{16}$/.test(generation)) throw new RangeError(`invalid compaction generation "${generation}" (16 hex digits)`);
  return generation;
}

export function formatSequence(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new RangeError(`chunk sequence must be a non-negative integer (given ${sequence})`);
  return String(sequence).padStart(SEQUENCE_DIGITS, '0');
}
