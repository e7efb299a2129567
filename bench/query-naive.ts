/** The naive baseline: download every chunk of the range whole and scan all of its events. */
import { s3Source } from '../shared/aws/s3-source';
import { openChunk, readEntries } from '../shared/chunk/reader';
import { memorySource } from '../shared/chunk/source';
import { OrdinalSet } from '../shared/codec/ordinal-set';
import type { TalesEvent } from '../shared/event/types';
import { dayNumber } from '../shared/layout/day';
import type { QueryContext } from '../shared/query/context';
import { daySources } from '../shared/query/day-sources';
import { comparePositions, type Position } from '../shared/query/order';
import type { QueryRequest } from '../shared/query/request';
import { QueryStats } from '../shared/query/stats';

export interface NaiveResult {
  readonly events: TalesEvent[];
  readonly stats: QueryStats;
}

export async function naiveQuery(ctx: QueryContext, request: QueryRequest): Promise<NaiveResult> {
  const stats = new QueryStats();
  const lo = Math.min(request.from, request.to);
  const hi = Math.max(request.from, request.to);
  const hits: { event: TalesEvent; position: Position }[] = [];
  for (let day = dayNumber(lo); day <= dayNumber(hi); day++) {
    for (const ref of await daySources(ctx, day, stats)) {
      if (ref.record.maxTime < lo || ref.record.minTime > hi) continue;
      const bytes = await s3Source(ctx.s3, ctx.bucket, ref.key).read(0, ref.record.size);
      stats.countGet('block', bytes.length);
      const source = memorySource(ref.key, bytes);
      const index = await openChunk(source, ctx.zstd);
      const all = OrdinalSet.of(Uint32Array.from({ length: index.entryCount }, (_, i) => i));
      for await (const { ordinal, ...event } of readEntries(index, source, all, ctx.zstd, { from: lo, to: hi })) {
        if (request.actors.every((actor) => event.actors.includes(actor))) {
          hits.push({ event, position: { time: event.time, writer: ref.writer, seq: ref.record.seq, ordinal } });
        }
      }
    }
  }
  hits.sort((a, b) => comparePositions(a.position, b.position));
  if (request.from > request.to) hits.reverse();
  return { events: hits.slice(0, request.limit).map((hit) => hit.event), stats };
}
