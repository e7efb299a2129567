/** Random access to one stored object, by byte range (S3 ranged GET, a file, or memory). */
export interface ByteSource {
  /** Names the object in errors (the S3 key). */
  readonly key: string;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A source over bytes in memory; reads past the end return what exists, as a ranged GET does. */
export function memorySource(key: string, bytes: Uint8Array): ByteSource {
  return {
    key,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}
