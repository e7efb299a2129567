/** Largest encoded event frame, as in kelindar/tales: time, actor count, actors and text together. */
export const MAX_FRAME_BYTES = 65_536;
/** Most distinct actors one event may carry. */
export const MAX_ACTORS_PER_EVENT = 32;
/** Largest actor id: actors are uint32. */
export const MAX_ACTOR_ID = 0xffff_ffff;
/**
 * Latest accepted time, epoch ms: the last millisecond of 9999-12-31 UTC. Keys name days as
 * YYYY-MM-DD, which has no form for later years, so a later time could not be stored or read.
 */
export const MAX_TIME_MS = 253_402_300_799_999;
/** Bytes of a frame besides the text: u64 time, u8 actor count, u16 text length. */
export const FRAME_OVERHEAD_BYTES = 8 + 1 + 2;

/** Size of an event's frame: the unit the 64 KiB limit and the block size are measured in. */
export function frameSize(actorCount: number, textBytes: number): number {
  return FRAME_OVERHEAD_BYTES + 4 * actorCount + textBytes;
}

/**
 * Deepest nesting accepted in the JSON of a request body, an NDJSON line or a Kinesis record, checked
 * before parsing: events need 3 (an array of objects holding the actors array).
 */
export const MAX_JSON_DEPTH = 8;
