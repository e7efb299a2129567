import type { ChunkRecord, Manifest } from '../manifest/manifest';
import { compareSequenceNumbers } from '../manifest/sequence-number';

/**
 * Whether a writer-day's chunks hold the record of sequence number `seq` (of that day). A chunk holds
 * every record of its day from its `first` to its watermark. A chunk of a manifest written before
 * `first` was recorded is taken to start after the previous chunk's watermark, which holds unless the
 * event source skipped a batch in between (the case replay exists for).
 */
export function isDurable(manifest: Manifest | undefined, seq: string): boolean {
  let previous: ChunkRecord | undefined;
  for (const chunk of manifest?.chunks ?? []) {
    const above =
      chunk.first !== undefined
        ? compareSequenceNumbers(seq, chunk.first) >= 0
        : !previous || compareSequenceNumbers(seq, previous.watermark) > 0;
    if (above && compareSequenceNumbers(seq, chunk.watermark) <= 0) return true;
    previous = chunk;
  }
  return false;
}
