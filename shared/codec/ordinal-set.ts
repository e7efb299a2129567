import { RoaringBitmap32 } from 'roaring-wasm';
import { ARRAY_CONTAINER, BITMAP_CONTAINER, type ContainerTable, POPCOUNT, portableContainers } from './roaring-portable';

/**
 * Ascending ordinals (the entries that match a query) within `lo..hi-1`, read by window: a caller
 * materialises only the part it is about to use (a block, a wave of blocks), so a query's memory is
 * bounded by its page and not by how many entries an actor has (a compacted day's bitmap may hold
 * hundreds of millions). Backed by a sorted list, or by a checked portable roaring bitmap read in place.
 */
export abstract class OrdinalSet {
  protected constructor(
    /** Only ordinals in lo..hi-1 belong to the set. */
    readonly lo: number,
    readonly hi: number,
  ) {}

  /** How many ordinals the set holds. */
  abstract get size(): number;

  /** Ordinals in from..to-1 (clipped to the set's range). */
  abstract count(from: number, to: number): number;

  /** Ordinals in from..to-1 (clipped to the set's range), ascending. */
  abstract values(from: number, to: number): Uint32Array;

  /** The same ordinals restricted to from..to-1; shares the storage. */
  abstract within(from: number, to: number): OrdinalSet;

  /** Bytes the set keeps in memory, for cache budgets. */
  abstract get memoryBytes(): number;

  static of(sorted: Uint32Array): OrdinalSet {
    return new ListSet(sorted, 0, 2 ** 32);
  }

  static empty(): OrdinalSet {
    return OrdinalSet.of(new Uint32Array(0));
  }

  /** A portable bitmap that already passed checkOrdinalBitmap (its structure is trusted here). */
  static ofBitmap(bytes: Uint8Array): OrdinalSet {
    return new BitmapSet(bytes, portableContainers(bytes), 0, 2 ** 32);
  }
}

/**
 * ANDs checked portable bitmaps and ascending ordinal lists. A single bitmap is read in place; several
 * are intersected in wasm and the result kept serialized (no larger than its inputs once run-optimised);
 * lists (a few inline ordinals) are filtered against the rest.
 */
export function intersect(bitmaps: readonly Uint8Array[], lists: readonly Uint32Array[]): OrdinalSet {
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  const smallest = sorted[0];
  if (smallest) {
    const sets = bitmaps.map((bytes) => OrdinalSet.ofBitmap(bytes));
    const others = sorted.slice(1);
    return OrdinalSet.of(
      smallest.filter(
        (ordinal) => sets.every((set) => set.count(ordinal, ordinal + 1) === 1) && others.every((list) => has(list, ordinal)),
      ),
    );
  }
  const [only, ...rest] = bitmaps;
  if (!only) return OrdinalSet.empty();
  if (rest.length === 0) return OrdinalSet.ofBitmap(only);
  const wasm = bitmaps.map((bytes) => RoaringBitmap32.deserialize(bytes, 'portable'));
  try {
    const [first, ...others] = wasm as [RoaringBitmap32, ...RoaringBitmap32[]];
    for (const other of others) first.andInPlace(other);
    first.runOptimize();
    return OrdinalSet.ofBitmap(first.serialize('portable'));
  } finally {
    for (const bitmap of wasm) bitmap.dispose();
  }
}

function has(sorted: Uint32Array, value: number): boolean {
  const at = lowerBound(sorted, value);
  return sorted[at] === value;
}

/** First index of ascending `sorted` whose value is at least `value`. */
function lowerBound(sorted: ArrayLike<number>, value: number, from = 0, to = sorted.length): number {
  let a = from;
  let b = to;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if ((sorted[mid] as number) < value) a = mid + 1;
    else b = mid;
  }
  return a;
}

class ListSet extends OrdinalSet {
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly sorted: Uint32Array,
    lo: number,
    hi: number,
  ) {
    super(lo, hi);
    this.start = lowerBound(sorted, lo);
    this.end = lowerBound(sorted, hi, this.start);
  }

  get size(): number {
    return this.end - this.start;
  }

  get memoryBytes(): number {
    return this.sorted.byteLength + 64;
  }

  count(from: number, to: number): number {
    const [a, b] = this.span(from, to);
    return b - a;
  }

  values(from: number, to: number): Uint32Array {
    const [a, b] = this.span(from, to);
    return this.sorted.subarray(a, b);
  }

  within(from: number, to: number): OrdinalSet {
    return new ListSet(this.sorted, Math.max(from, this.lo), Math.min(to, this.hi));
  }

  private span(from: number, to: number): [number, number] {
    const a = lowerBound(this.sorted, Math.max(from, this.lo), this.start, this.end);
    return [a, lowerBound(this.sorted, Math.min(to, this.hi), a, this.end)];
  }
}

/** A portable bitmap read in place: counting walks container headers, and only the containers a window touches are decoded. */
class BitmapSet extends OrdinalSet {
  private readonly view: DataView;
  private readonly total: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly table: ContainerTable,
    lo: number,
    hi: number,
  ) {
    super(lo, hi);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.total = hi <= lo ? 0 : this.rank(hi) - this.rank(lo);
  }

  get size(): number {
    return this.total;
  }

  get memoryBytes(): number {
    return this.bytes.byteLength + 15 * this.table.keys.length + 64;
  }

  count(from: number, to: number): number {
    const a = Math.max(from, this.lo);
    const b = Math.min(to, this.hi);
    return b <= a ? 0 : this.rank(b) - this.rank(a);
  }

  values(from: number, to: number): Uint32Array {
    const a = Math.max(from, this.lo);
    const b = Math.min(to, this.hi);
    const out = new Uint32Array(b <= a ? 0 : this.rank(b) - this.rank(a));
    if (out.length === 0) return out;
    let at = 0;
    const { keys } = this.table;
    for (let c = lowerBound(keys, Math.floor(a / 65_536)); c < keys.length && at < out.length; c++) {
      const high = (keys[c] as number) * 65_536;
      at = this.decode(c, Math.max(a - high, 0), Math.min(b - high, 65_536), high, out, at);
    }
    return out;
  }

  within(from: number, to: number): OrdinalSet {
    return new BitmapSet(this.bytes, this.table, Math.max(from, this.lo), Math.min(to, this.hi));
  }

  /** Values of the whole bitmap below `value`. */
  private rank(value: number): number {
    const { keys, before } = this.table;
    const key = Math.floor(value / 65_536);
    const c = lowerBound(keys, key);
    const below = before[c] as number;
    if (c >= keys.length || keys[c] !== key) return below;
    return below + this.countIn(c, 0, value - key * 65_536);
  }

  /** Values of container `c` whose low 16 bits are in from..to-1. */
  private countIn(c: number, from: number, to: number): number {
    if (to <= from) return 0;
    const { kinds, offsets, before } = this.table;
    const offset = offsets[c] as number;
    const card = (before[c + 1] as number) - (before[c] as number);
    if (from === 0 && to >= 65_536) return card;
    const kind = kinds[c];
    if (kind === ARRAY_CONTAINER) {
      const at = (i: number) => this.view.getUint16(offset + 2 * i, true);
      const a = searchU16(at, from, 0, card);
      return searchU16(at, to, a, card) - a;
    }
    if (kind === BITMAP_CONTAINER) return this.bitsIn(offset, from, Math.min(to, 65_536));
    let n = 0;
    const runs = this.view.getUint16(offset, true);
    for (let r = 0; r < runs; r++) {
      const start = this.view.getUint16(offset + 2 + 4 * r, true);
      const end = start + this.view.getUint16(offset + 4 + 4 * r, true) + 1;
      if (start >= to) break;
      n += Math.max(0, Math.min(end, to) - Math.max(start, from));
    }
    return n;
  }

  /** Set bits from..to-1 of the 8 KiB bitmap container at `offset`: whole bytes by table, the edges bit by bit. */
  private bitsIn(offset: number, from: number, to: number): number {
    let n = 0;
    let v = from;
    for (; v < to && (v & 7) !== 0; v++) n += ((this.bytes[offset + (v >>> 3)] as number) >>> (v & 7)) & 1;
    for (; v + 8 <= to; v += 8) n += POPCOUNT[this.bytes[offset + (v >>> 3)] as number] as number;
    for (; v < to; v++) n += ((this.bytes[offset + (v >>> 3)] as number) >>> (v & 7)) & 1;
    return n;
  }

  /** Writes container `c`'s values with low 16 bits in from..to-1 (plus `high`) into out from `at`; returns the next position. */
  private decode(c: number, from: number, to: number, high: number, out: Uint32Array, at: number): number {
    if (to <= from) return at;
    const { kinds, offsets, before } = this.table;
    const offset = offsets[c] as number;
    const card = (before[c + 1] as number) - (before[c] as number);
    const kind = kinds[c];
    let next = at;
    if (kind === ARRAY_CONTAINER) {
      const get = (i: number) => this.view.getUint16(offset + 2 * i, true);
      for (let i = searchU16(get, from, 0, card); i < card; i++) {
        const v = get(i);
        if (v >= to) break;
        out[next++] = high + v;
      }
    } else if (kind === BITMAP_CONTAINER) {
      for (let v = from; v < to; v++) if ((this.bytes[offset + (v >>> 3)] as number) & (1 << (v & 7))) out[next++] = high + v;
    } else {
      const runs = this.view.getUint16(offset, true);
      for (let r = 0; r < runs; r++) {
        const start = this.view.getUint16(offset + 2 + 4 * r, true);
        const end = start + this.view.getUint16(offset + 4 + 4 * r, true) + 1;
        if (start >= to) break;
        for (let v = Math.max(start, from); v < Math.min(end, to); v++) out[next++] = high + v;
      }
    }
    return next;
  }
}

function searchU16(at: (i: number) => number, value: number, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (at(mid) < value) a = mid + 1;
    else b = mid;
  }
  return a;
}
