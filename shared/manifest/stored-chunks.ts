import type { KeyLayout } from '../layout/keys';
import type { ChunkRecord, Manifest } from './manifest';

/** A chunk a manifest lists, with its key. */
export interface StoredChunk {
  readonly day: number;
  readonly writer: string;
  readonly key: string;
  readonly record: ChunkRecord;
}

/** The chunks the manifests list, in their order; an absent manifest lists none. */
export function storedChunks(layout: KeyLayout, manifests: readonly (Manifest | undefined)[]): StoredChunk[] {
  return manifests.flatMap((manifest) =>
    manifest
      ? manifest.chunks.map((record) => ({
          day: manifest.day,
          writer: manifest.writer,
          key: layout.chunkKey(manifest.day, manifest.writer, record.seq),
          record,
        }))
      : [],
  );
}
