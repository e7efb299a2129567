import { concatBytes } from '../codec/bytes';
import { mapLimit } from '../util/map-limit';
import type { EventFilter, TextSample } from './day-input';

/** Parts of the day a dictionary is sampled from, spread evenly across the day. */
const SAMPLED_PARTS = 32;

/**
 * A raw-content zstd dictionary of `bytes` for the day: an equal share of text from up to 32 parts of
 * the day (source chunks, or a compacted day's blocks) spread across it by start time. With `keep`, a
 * sample holds only kept events' texts, so no dropped text survives in the dictionary.
 */
export async function sampleDayDictionary(samples: readonly TextSample[], bytes: number, keep?: EventFilter['test']): Promise<Uint8Array> {
  if (bytes === 0 || samples.length === 0) return new Uint8Array(0);
  const byStart = samples.map((sample, n) => ({ sample, n })).sort((a, b) => a.sample.minTime - b.sample.minTime || a.n - b.n);
  const count = Math.min(SAMPLED_PARTS, byStart.length);
  const picked = Array.from(
    { length: count },
    (_, i) => (byStart[Math.floor((i * byStart.length) / count)] as { sample: TextSample }).sample,
  );
  const share = Math.ceil(bytes / count);
  const texts = await mapLimit(picked, 8, async (sample) => (await sample.texts(keep)).subarray(0, share));
  return concatBytes(texts).subarray(0, bytes);
}
