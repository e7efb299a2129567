import type { OriginEvent } from '../chunk/day-block';
import { MinHeap } from '../util/heap';

/** Part of a day's events in day order (time, source, ordinal), started only when the merge reaches it. */
export interface DayStream {
  /** No event of the stream is earlier. */
  readonly minTime: number;
  /** No event of the stream at `minTime` has a lower source number. */
  readonly firstSource: number;
  start(): AsyncGenerator<OriginEvent>;
}

interface Cursor {
  readonly stream: DayStream;
  /** The stream's first time and source until it is started, then its current entry's. */
  time: number;
  source: number;
  ordinal: number;
  events?: AsyncGenerator<OriginEvent>;
  current?: OriginEvent;
}

/**
 * Every event of the streams in the day's order (time, source number, ordinal). A stream is started
 * only when the merge reaches its first time, and dropped once it is done, so memory holds the streams
 * that overlap in time, not the day.
 */
export async function* mergeStreams(streams: readonly DayStream[]): AsyncGenerator<OriginEvent> {
  const heap = new MinHeap<Cursor>((a, b) => a.time - b.time || a.source - b.source || a.ordinal - b.ordinal);
  for (const stream of streams) heap.push({ stream, time: stream.minTime, source: stream.firstSource, ordinal: -1 });
  for (let top = heap.pop(); top; top = heap.pop()) {
    if (!top.events) top.events = top.stream.start();
    else if (top.current) yield top.current;
    const next = await top.events.next();
    if (next.done) continue;
    top.current = next.value;
    top.time = next.value.time;
    top.source = next.value.source;
    top.ordinal = next.value.ordinal;
    heap.push(top);
  }
}
