import { ByteReader } from './bytes';
import { CorruptError } from './errors';

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;
const BITMAP_CONTAINER_BYTES = 8192;

/** How a container stores its values (ContainerTable.kinds). */
export const ARRAY_CONTAINER = 0;
export const BITMAP_CONTAINER = 1;
export const RUN_CONTAINER = 2;

/** Where each container of a checked portable bitmap is, so that a reader can decode only the ones it needs. */
export interface ContainerTable {
  /** High 16 bits of each container's values, ascending. */
  readonly keys: Uint16Array;
  /** Values in containers 0..i-1 (one more entry than containers: the last is the cardinality). */
  readonly before: Float64Array;
  readonly kinds: Uint8Array;
  /** Byte offset of each container's payload (for a run container, its run count). */
  readonly offsets: Uint32Array;
}

/**
 * Walks a roaring bitmap in the portable serialization (RoaringFormatSpec) and checks every
 * length, order and cardinality, because the wasm deserializer's behaviour on bad input is
 * undefined. Returns the bitmap's cardinality and largest value (-1 when empty).
 */
export function checkPortableBitmap(bytes: Uint8Array): { cardinality: number; maximum: number } {
  const { table, maximum } = walkPortableBitmap(bytes);
  return { cardinality: table.before[table.keys.length] as number, maximum };
}

/** Checks a portable bitmap as checkPortableBitmap does and returns where its containers are. */
export function portableContainers(bytes: Uint8Array): ContainerTable {
  return walkPortableBitmap(bytes).table;
}

function walkPortableBitmap(bytes: Uint8Array): { table: ContainerTable; maximum: number } {
  const reader = new ByteReader(bytes);
  const cookie = reader.u32('roaring cookie');
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runFlags = reader.take(Math.ceil(size / 8), 'roaring run flags');
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = reader.u32('roaring container count');
    if (size > 65_536) throw new CorruptError(`roaring container count ${size} exceeds 65536`);
  } else {
    throw new CorruptError(`roaring cookie 0x${cookie.toString(16)} is not a portable-format cookie`);
  }
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < size; i++) {
    const key = reader.u16('roaring container key');
    if (i > 0 && key <= (keys[i - 1] as number)) throw new CorruptError(`roaring container keys out of order at ${i}`);
    keys.push(key);
    cards.push(reader.u16('roaring container cardinality') + 1);
  }
  const isRun = (i: number) => runFlags !== undefined && (((runFlags[i >> 3] as number) >> (i & 7)) & 1) === 1;
  const hasOffsets = runFlags === undefined || size >= NO_OFFSET_THRESHOLD;
  const offsets: number[] = [];
  if (hasOffsets) for (let i = 0; i < size; i++) offsets.push(reader.u32('roaring container offset'));
  const table: ContainerTable = {
    keys: Uint16Array.from(keys),
    before: new Float64Array(size + 1),
    kinds: new Uint8Array(size),
    offsets: new Uint32Array(size),
  };
  let maximum = -1;
  for (let i = 0; i < size; i++) {
    if (hasOffsets && offsets[i] !== reader.offset) {
      throw new CorruptError(`roaring container ${i} offset ${offsets[i]} does not match its position ${reader.offset}`);
    }
    const card = cards[i] as number;
    table.offsets[i] = reader.offset;
    let high: number;
    if (isRun(i)) {
      table.kinds[i] = RUN_CONTAINER;
      high = checkRunContainer(reader, card, i);
    } else if (card <= ARRAY_MAX) {
      table.kinds[i] = ARRAY_CONTAINER;
      high = checkArrayContainer(reader, card, i);
    } else {
      table.kinds[i] = BITMAP_CONTAINER;
      high = checkBitmapContainer(reader, card, i);
    }
    table.before[i + 1] = (table.before[i] as number) + card;
    maximum = (keys[i] as number) * 65_536 + high;
  }
  if (reader.remaining !== 0) throw new CorruptError(`roaring bitmap has ${reader.remaining} trailing bytes`);
  return { table, maximum };
}

function checkRunContainer(reader: ByteReader, card: number, index: number): number {
  const runs = reader.u16('roaring run count');
  let next = 0;
  let sum = 0;
  for (let r = 0; r < runs; r++) {
    const start = reader.u16('roaring run start');
    const length = reader.u16('roaring run length') + 1;
    if (start < next || start + length > 65_536) throw new CorruptError(`roaring run ${r} of container ${index} overlaps or overflows`);
    next = start + length + 1;
    sum += length;
  }
  if (sum !== card) throw new CorruptError(`roaring run container ${index} holds ${sum} values, header says ${card}`);
  return next - 2;
}

function checkArrayContainer(reader: ByteReader, card: number, index: number): number {
  let previous = -1;
  for (let v = 0; v < card; v++) {
    const value = reader.u16('roaring array value');
    if (value <= previous) throw new CorruptError(`roaring array container ${index} is not strictly increasing`);
    previous = value;
  }
  return previous;
}

function checkBitmapContainer(reader: ByteReader, card: number, index: number): number {
  const words = reader.take(BITMAP_CONTAINER_BYTES, 'roaring bitmap container');
  let bits = 0;
  let high = -1;
  words.forEach((byte, i) => {
    bits += POPCOUNT[byte] as number;
    if (byte !== 0) high = i * 8 + 31 - Math.clz32(byte);
  });
  if (bits !== card) throw new CorruptError(`roaring bitmap container ${index} holds ${bits} values, header says ${card}`);
  return high;
}

/** Set bits of each byte value. */
export const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let b = byte; b; b >>= 1) count += b & 1;
  return count;
});
