import fc from 'fast-check';
import { afterAll, beforeAll } from 'vitest';
import type { ChunkOptions } from '../../shared/chunk/options';
import { type BlockCompressor, loadZstd } from '../../shared/codec/zstd';
import type { TalesEvent } from '../../shared/event/types';
import { DAY_MS } from '../../shared/layout/day';
import { KeyLayout } from '../../shared/layout/keys';
import { createQueryContext, type QueryContext, type QueryContextOptions } from '../../shared/query/context';
import { encodeCursor } from '../../shared/query/cursor';
import { parseQueryRequest } from '../../shared/query/request';
import { type PageBounds, runQuery } from '../../shared/query/run-query';
import { type LocalS3, startLocalS3 } from './local-s3';
import { type SeedTarget, type StoredEvent, seedWriter } from './seed-chunks';

/** The first of the three days every query workload covers (2026-07-01, UTC); queries are parsed as if it were now. */
export const T0 = Date.UTC(2026, 6, 1);
export const HOUR = 3_600_000;

/** A query as a client states it: from > to asks for descending order. */
export interface QueryCase {
  readonly actors: number[];
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** The `contains=` text filter. @default - none */
  readonly contains?: string;
}

export interface WorkloadShape {
  /** Event times fall on multiples of this after T0: coarse, so that equal times across writers and chunks are common. */
  readonly slotMs: number;
  /** Actor ids are 1..actors. */
  readonly actors: number;
  readonly maxText: number;
  readonly maxBatch: number;
  readonly maxLimit: number;
}

/**
 * Arbitraries of a query workload: events over three days from T0; writers (up to 3) of batches (up to 3)
 * of events; queries of one or two actors from the day before T0 to the day after the third, either way round.
 */
export function workloadArbitraries(shape: WorkloadShape) {
  const actor = fc.integer({ min: 1, max: shape.actors });
  const event: fc.Arbitrary<TalesEvent> = fc.record({
    time: fc.integer({ min: 0, max: (3 * DAY_MS) / shape.slotMs - 1 }).map((slot) => T0 + slot * shape.slotMs),
    actors: fc.uniqueArray(actor, { minLength: 1, maxLength: 3 }),
    text: fc.string({ maxLength: shape.maxText }),
  });
  const batches = fc.array(fc.array(event, { minLength: 1, maxLength: shape.maxBatch }), { minLength: 1, maxLength: 3 });
  const writers = fc.array(batches, { minLength: 1, maxLength: 3 });
  const query: fc.Arbitrary<QueryCase> = fc.record({
    actors: fc.uniqueArray(actor, { minLength: 1, maxLength: 2 }),
    from: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    to: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    limit: fc.integer({ min: 1, max: shape.maxLimit }),
  });
  return { event, writers, query };
}

/** s3rver and zstd for the enclosing describe block, with a fresh key prefix per seeded run. */
export interface QueryStore {
  readonly local: LocalS3;
  readonly zstd: BlockCompressor;
  /** A layout under a prefix no other run uses. */
  layout(): KeyLayout;
}

/** Starts the store before the enclosing describe block's tests and stops it after them; `name` starts its prefixes. */
export function useQueryStore(name: string): QueryStore {
  let started: { local: LocalS3; zstd: BlockCompressor } | undefined;
  let run = 0;
  beforeAll(async () => {
    const [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
    started = { local, zstd };
  });
  afterAll(() => started?.local.stop());
  const running = () => {
    if (!started) throw new Error('the query store is used before beforeAll started it');
    return started;
  };
  return {
    get local() {
      return running().local;
    },
    get zstd() {
      return running().zstd;
    },
    layout: () => new KeyLayout(`${name}-${run++}/`),
  };
}

export interface SeedOptions extends Pick<QueryContextOptions, 'cacheBytes' | 'maxGap' | 'dayTtlMs'> {
  readonly chunkOptions?: ChunkOptions;
}

/** Stores each writer's batches (writer w as shardId-00000000000w) under a fresh prefix, and opens a query context over them. */
export async function seedWorkload(store: QueryStore, writers: readonly TalesEvent[][][], options: SeedOptions = {}) {
  const { chunkOptions, ...contextOptions } = options;
  const { local, zstd } = store;
  const layout = store.layout();
  const target: SeedTarget = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions };
  const stored: StoredEvent[] = [];
  for (const [w, batches] of writers.entries()) stored.push(...(await seedWriter(target, `shardId-00000000000${w}`, batches)).stored);
  const ctx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd, ...contextOptions });
  return { target, ctx, stored };
}

/** One page of `query` after `cursor`, as the handler answers it: parsed from its parameters, `next` encoded. */
export async function queryPage(
  ctx: QueryContext,
  query: QueryCase,
  cursor?: string,
  bounds?: PageBounds,
): Promise<{ events: TalesEvent[]; next?: string }> {
  const params = {
    actors: query.actors.join(','),
    from: String(query.from),
    to: String(query.to),
    limit: String(query.limit),
    ...(query.contains !== undefined ? { contains: query.contains } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const request = parseQueryRequest(params, { now: T0, maxSpanDays: 366 });
  const result = await runQuery(ctx, request, undefined, bounds);
  return { events: result.events, next: result.resumeAfter ? encodeCursor(request, result.resumeAfter) : undefined };
}

/** The pages from the one after `cursor` (the first without) to the last, following `next` as a client does. */
export async function queryPages(ctx: QueryContext, query: QueryCase, cursor?: string, bounds?: () => PageBounds): Promise<TalesEvent[][]> {
  const pages: TalesEvent[][] = [];
  let next = cursor;
  do {
    const page = await queryPage(ctx, query, next, bounds?.());
    pages.push(page.events);
    next = page.next;
  } while (next);
  return pages;
}

/** Every event from the one after `cursor` on, across pages. */
export async function queryAll(ctx: QueryContext, query: QueryCase, cursor?: string): Promise<TalesEvent[]> {
  return (await queryPages(ctx, query, cursor)).flat();
}
