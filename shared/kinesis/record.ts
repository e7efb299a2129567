import type { TalesEvent } from '../event/types';

/** An event encoded as a Kinesis record; `size` is what it counts against a PutRecords call's byte limit. */
export interface OutgoingRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly size: number;
}

const encoder = new TextEncoder();

/**
 * The record schema of the design: UTF-8 JSON `{"actors":[…],"text":"…","time":<epoch ms>}` keyed by the
 * first actor as a decimal string, so one actor's events stay on one shard and in order.
 */
export function encodeRecord(event: TalesEvent): OutgoingRecord {
  const data = encoder.encode(JSON.stringify({ actors: event.actors, text: event.text, time: event.time }));
  const partitionKey = String(event.actors[0]);
  return { data, partitionKey, size: data.length + encoder.encode(partitionKey).length };
}
