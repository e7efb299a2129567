import type { OriginEvent } from '../chunk/day-block';
import type { TalesEvent } from '../event/types';

/** Which events a re-encoded day keeps; `id` names the filter in the day's generation. */
export interface EventFilter {
  readonly id: string;
  readonly test: (event: TalesEvent) => boolean;
}

/** A source chunk a re-encoded day holds: its writers list and sources object (what the sweep deletes) name it. */
export interface DayChunk {
  readonly writer: string;
  readonly seq: number;
  readonly etag: string;
}

/** Texts of one part of the day (a source chunk, a block of a compacted day), for the day's dictionary. */
export interface TextSample {
  readonly minTime: number;
  /** The part's texts, concatenated: with `keep`, only those of events it keeps. */
  texts(keep?: EventFilter['test']): Promise<Uint8Array>;
}

/**
 * What a re-encoding reads: a day's writer chunks (compaction), or a compacted day and the chunks
 * written to the day after it (an erasure purge). Entries come in day order, each numbered by its
 * source's place in `chunks`.
 */
export interface DayInput {
  /** In (writer, seq) order, each writer's from seq 0 without gaps: source number n is chunks[n]. */
  readonly chunks: readonly DayChunk[];
  readonly samples: readonly TextSample[];
  events(): AsyncGenerator<OriginEvent>;
}
