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
  interface ZstdBinding {
    Simple: new () => ZstdSimple;
    Dict: {
      Compression: new (dictionary: Uint8Array, level: number) => ZstdDictionary;
      Decompression: new (dictionary: Uint8Array) => ZstdDictionary;
    };
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdBinding) => void): void };
}
