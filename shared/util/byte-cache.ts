import { LRUCache } from 'lru-cache';

/** One kind of value in a ByteBudgetCache, under its own keys. */
export interface CacheShelf<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
}

/** What an entry costs besides its value: the key's characters and the cache's own bookkeeping. */
const ENTRY_OVERHEAD_BYTES = 128;

/**
 * Values of several kinds in one least-recently-used cache bounded by bytes (lru-cache with a size
 * per entry): each value counts what `sizeOf` says it holds, plus its key and bookkeeping. The total
 * never exceeds `maxBytes`; a value larger than that is not kept; 0 keeps nothing.
 */
export class ByteBudgetCache {
  private readonly lru: LRUCache<string, object> | undefined;

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new RangeError(`cache bytes must be a non-negative integer (given ${maxBytes})`);
    this.lru = maxBytes > 0 ? new LRUCache({ maxSize: maxBytes }) : undefined;
  }

  /** Bytes the cache accounts for now. */
  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  /** Entries held now, of every kind. */
  get entries(): number {
    return this.lru?.size ?? 0;
  }

  /** A view of the values of one `kind`, each sized by `sizeOf`. */
  shelf<V extends object>(kind: string, sizeOf: (value: V) => number): CacheShelf<V> {
    const lru = this.lru;
    const prefix = `${kind}:`;
    if (!lru) return { get: () => undefined, set: () => undefined, delete: () => undefined };
    return {
      get: (key) => lru.get(prefix + key) as V | undefined,
      set: (key, value) => {
        const size = Math.ceil(sizeOf(value)) + 2 * (prefix.length + key.length) + ENTRY_OVERHEAD_BYTES;
        lru.set(prefix + key, value, { size });
      },
      delete: (key) => {
        lru.delete(prefix + key);
      },
    };
  }
}

/** Bytes a typed array keeps alive: its whole buffer, since a view retains all of it. */
export function retainedBytes(array: ArrayBufferView): number {
  return array.buffer.byteLength;
}
