declare module 'zstd-codec' {
  interface ZstdDictionary {
    close(): void;
  }
  interface ZstdSimple {
    compress(data: Uint8Array, level?: number): Uint8Array | null;
    decompress(data: Uint8Array): Uint8Array | null;
    compressUsingDict(data: Uint8Array, dictionary: ZstdDictionary): Uint8Array | null;
    decompressUsingDict(data: Uint8Array, dictionary: ZstdDictionary): Uint8Array | null;
  }
  interface ZstdGeneric {
    /** The content size a frame header declares (truncated to 32 bits), or null when it declares none. */
    contentSize(data: Uint8Array): number | null;
  }
  interface ZstdBinding {
    Generic: new () => ZstdGeneric;
    Simple: new () => ZstdSimple;
    Dict: {
      Compression: new (dictionary: Uint8Array, level: number) => ZstdDictionary;
      Decompression: new (dictionary: Uint8Array) => ZstdDictionary;
    };
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdBinding) => void): void };
}
