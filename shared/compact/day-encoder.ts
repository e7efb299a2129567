import { encodeActorColumn, encodeDayBlock, type OriginEvent } from '../chunk/day-block';
import { type DayBlockInput, encodeDayDirectory } from '../chunk/day-directory';
import { DAY_INDEX_VERSION, encodeHeader, HEADER_BYTES } from '../chunk/header';
import { concatBytes } from '../codec/bytes';
import { crc32 } from '../codec/checksum';
import { compressFramed } from '../codec/framed';
import type { BlockCompressor } from '../codec/zstd';
import { frameSize } from '../event/limits';

export interface DayEncodingOptions {
  /** A block is closed once its entries' frame bytes reach this. @default 262144 (256 KiB: ~70 KiB read per block) */
  readonly blockSize?: number;
  /** zstd level of every frame. @default 19 */
  readonly level?: number;
}

export const DAY_ENCODING_DEFAULTS = { blockSize: 262_144, level: 19 } as const;

/** A re-encoded day's index object and the sizes its metadata records. */
export interface EncodedDay {
  readonly index: Uint8Array;
  /** Header + directory: the head a query reads first. */
  readonly headSize: number;
  readonly entries: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly dataSize: number;
  readonly blocks: number;
}

type BlockFrames = Pick<DayBlockInput['columns'], 'columnsSize' | 'columnsRaw' | 'textsRaw'>;

interface PendingActors {
  readonly counts: Uint8Array;
  readonly ids: Uint32Array;
}

const encoder = new TextEncoder();

/**
 * Writes a day's entries, given in day order, as blocks of `blockSize` frame bytes: each block's data
 * (its columns frame, then its texts frame with the day's dictionary) goes to `emit` as soon as it is
 * full, and only its actors stay in memory (as ids, ~9 bytes an entry) until `finish`, when the day's
 * actor ranks are known and the index object (directory, dictionary, actor columns) is built.
 */
export class DayEncoder {
  private readonly blockSize: number;
  private readonly level: number;
  private readonly dayStart: number;
  private pending: OriginEvent[] = [];
  private pendingBytes = 0;
  private readonly blocks: BlockFrames[] = [];
  private readonly table: Omit<DayBlockInput, 'columns'>[] = [];
  private readonly actors: PendingActors[] = [];
  private readonly cardinality = new Map<number, number>();
  private readonly blockLists = new Map<number, number[]>();
  private dataSize = 0;
  private entries = 0;
  private minTime = Number.POSITIVE_INFINITY;
  private maxTime = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly day: number,
    private readonly zstd: BlockCompressor,
    private readonly dictionary: Uint8Array,
    private readonly emit: (bytes: Uint8Array) => Promise<void>,
    options: DayEncodingOptions = {},
  ) {
    this.blockSize = options.blockSize ?? DAY_ENCODING_DEFAULTS.blockSize;
    this.level = options.level ?? DAY_ENCODING_DEFAULTS.level;
    this.dayStart = day * 86_400_000;
  }

  /** Entries added so far. */
  get count(): number {
    return this.entries + this.pending.length;
  }

  async add(event: OriginEvent): Promise<void> {
    this.pending.push(event);
    this.pendingBytes += frameSize(event.actors.length, Buffer.byteLength(event.text));
    if (this.pendingBytes >= this.blockSize) await this.flush();
  }

  /** Closes the last block and builds the index object; `sourceCount` is the number of source chunks. */
  async finish(sourceCount: number): Promise<EncodedDay> {
    await this.flush();
    if (this.entries === 0) throw new RangeError('a re-encoded day needs at least one entry');
    const ranked = [...this.cardinality].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([actor]) => actor);
    const rank = new Map(ranked.map((actor, r) => [actor, r]));
    const rankOf = (actor: number) => rank.get(actor) as number;
    const raw = this.actors.map(({ counts, ids }) => encodeActorColumn(counts, ids, rankOf));
    const columns = raw.map((column) => this.zstd.compress(column, this.level));
    const ids = [...this.cardinality.keys()].sort((a, b) => a - b);
    const position = new Map(ids.map((id, i) => [id, i]));
    const packed = this.dictionary.length > 0 ? [this.zstd.compress(this.dictionary, this.level)] : [];
    const directoryRaw = encodeDayDirectory({
      dictionaries: packed.map((bytes) => ({ size: bytes.length, rawSize: this.dictionary.length, crc: crc32(bytes) })),
      sourceCount,
      blocks: this.table.map((row, b) => ({
        ...row,
        columns: {
          ...(this.blocks[b] as BlockFrames),
          actorsSize: (columns[b] as Uint8Array).length,
          actorsRaw: (raw[b] as Uint8Array).length,
          actorsCrc: crc32(columns[b] as Uint8Array),
        },
      })),
      actors: ids.map((id) => ({ id, cardinality: this.cardinality.get(id) as number, blocks: this.blockLists.get(id) as number[] })),
      ranks: ranked.map((actor) => position.get(actor) as number),
    });
    const directory = compressFramed(this.zstd, directoryRaw, this.level);
    const header = encodeHeader({
      version: DAY_INDEX_VERSION,
      day: this.day,
      entryCount: this.entries,
      directorySize: directory.length,
      directoryRawSize: directoryRaw.length,
      postingsSize: columns.reduce((n, column) => n + column.length, 0),
      blocksSize: this.dataSize,
      directoryCrc: crc32(directory),
    });
    return {
      index: concatBytes([header, directory, ...packed, ...columns]),
      headSize: HEADER_BYTES + directory.length,
      entries: this.entries,
      minTime: this.minTime,
      maxTime: this.maxTime,
      dataSize: this.dataSize,
      blocks: this.table.length,
    };
  }

  private async flush(): Promise<void> {
    const entries = this.pending;
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (!first || !last) return;
    this.pending = [];
    this.pendingBytes = 0;
    const frames = encodeDayBlock(
      entries,
      entries.map((entry) => encoder.encode(entry.text)),
      first.time,
    );
    const columns = this.zstd.compress(frames.columns, this.level);
    const texts = this.zstd.compress(frames.texts, this.level, this.dictionary.length > 0 ? this.dictionary : undefined);
    const data = concatBytes([columns, texts]);
    const block = this.table.length;
    this.table.push({
      size: data.length,
      count: entries.length,
      minTime: first.time - this.dayStart,
      maxTime: last.time - this.dayStart,
      crc: crc32(data),
    });
    this.blocks.push({ columnsSize: columns.length, columnsRaw: frames.columns.length, textsRaw: frames.texts.length });
    const counts = Uint8Array.from(entries, (entry) => entry.actors.length);
    const ids = Uint32Array.from(entries.flatMap((entry) => entry.actors));
    this.actors.push({ counts, ids });
    for (const actor of new Set(ids)) {
      const list = this.blockLists.get(actor);
      if (list) list.push(block);
      else this.blockLists.set(actor, [block]);
    }
    for (const actor of ids) this.cardinality.set(actor, (this.cardinality.get(actor) ?? 0) + 1);
    this.entries += entries.length;
    this.minTime = Math.min(this.minTime, first.time);
    this.maxTime = Math.max(this.maxTime, last.time);
    this.dataSize += data.length;
    await this.emit(data);
  }
}
