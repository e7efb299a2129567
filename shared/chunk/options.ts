/** How a chunk is laid out; every field has a documented default. */
export interface ChunkOptions {
  /** Uncompressed frame bytes per block before a new block starts. @default 65536 */
  readonly blockSize?: number;
  /** zstd level for blocks and the directory. @default 5 */
  readonly level?: number;
  /** Actors with at most this many entries keep their ordinals in the directory instead of a bitmap. @default 64 */
  readonly inlineMax?: number;
  /** Bytes of sampled text kept as the blocks' shared zstd dictionary; 0 for none. @default 8192 */
  readonly dictionarySize?: number;
}

export const CHUNK_DEFAULTS = { blockSize: 65_536, level: 5, inlineMax: 64, dictionarySize: 8192 } as const;

export const CHUNK_LIMITS = { blockSize: [1024, 1_048_576], level: [1, 19], inlineMax: [0, 4096], dictionarySize: [0, 65_536] } as const;

/** Fills defaults and rejects out-of-range values, naming the option and the value given. */
export function resolveChunkOptions(options: ChunkOptions = {}): Required<ChunkOptions> {
  const resolved = { ...CHUNK_DEFAULTS, ...options };
  for (const [name, [min, max]] of Object.entries(CHUNK_LIMITS)) {
    const value = resolved[name as keyof typeof CHUNK_LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer in ${min}..${max} (given ${value})`);
    }
  }
  return resolved;
}
