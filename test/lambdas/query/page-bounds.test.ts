import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErasureDeps } from '../../../lambdas/query/erasure-routes';
import { createQueryHandler, DEADLINE_MARGIN_MS } from '../../../lambdas/query/handler';
import { functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { eraseActor } from '../../../shared/erasure/erase-actor';
import { ErasureKeys } from '../../../shared/erasure/keys';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { expectedEvents, expectedVisibleEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

/** The most a Function URL's buffered response (the Lambda's response payload) may hold. */
const FUNCTION_URL_RESPONSE_BYTES = 6 * 1024 * 1024;
const T0 = Date.UTC(2026, 6, 1);
/** The longest text of a one-actor event: a 64 KiB frame less 11 bytes of header and 4 of actor. */
const LONGEST_TEXT = 65_521;

interface Page {
  readonly status: number;
  readonly events: TalesEvent[];
  readonly next?: string;
  /** Bytes of the whole Lambda response, as the runtime serialises it: the body is a JSON string inside it. */
  readonly payloadBytes: number;
}

describe('query pages within the bounds of a Function URL and a Lambda invocation', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let prefixes = 0;
  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  });
  afterAll(() => local.stop());

  /** Stores each writer's batches under a fresh prefix; returns the layout and every event with its position. */
  async function seed(writers: readonly TalesEvent[][][]) {
    const layout = new KeyLayout(`bounds-${prefixes++}/`);
    const stored: StoredEvent[] = [];
    const keys: string[] = [];
    for (const [w, batches] of writers.entries()) {
      const seeded = await seedWriter({ s3: local.s3, bucket: local.bucket, layout, zstd }, `shardId-00000000000${w}`, batches);
      stored.push(...seeded.stored);
      keys.push(...seeded.keys);
    }
    return { layout, stored, keys };
  }

  function handlerOf(layout: KeyLayout, options: { clock?: () => number; retentionDays?: number } = {}) {
    const context = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
    const errors: unknown[] = [];
    const handler = createQueryHandler({
      context: async () => context,
      maxSpanDays: 366,
      logger: { info: () => undefined, error: (_, attributes) => errors.push(attributes.error) },
      erasure: createErasureDeps(local.s3, local.bucket, layout, []),
      clock: options.clock ?? (() => T0 + DAY_MS),
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    });
    return { handler, errors };
  }

  async function page(
    handler: ReturnType<typeof handlerOf>['handler'],
    query: Record<string, string>,
    remainingMs = 30_000,
  ): Promise<Page> {
    const response = await handler(functionUrlEvent({ path: '/events', query }), lambdaContext(remainingMs));
    const body = JSON.parse(response.body ?? 'null');
    return {
      status: response.statusCode ?? 0,
      events: body.events,
      next: body.next,
      payloadBytes: Buffer.byteLength(JSON.stringify(response)),
    };
  }

  /** Every page of a query, following `next` as a client does. */
  async function allPages(handler: ReturnType<typeof handlerOf>['handler'], query: Record<string, string>, remainingMs?: number) {
    const pages: Page[] = [];
    let next: string | undefined;
    do {
      const answer = await page(
        handler,
        next ? { actors: query.actors as string, cursor: next, limit: query.limit ?? '100' } : query,
        remainingMs,
      );
      expect(answer.status).toBe(200);
      pages.push(answer);
      next = answer.next;
      if (pages.length > 400) throw new Error('paging does not end');
    } while (next);
    return pages;
  }

  const textsOf = (events: readonly TalesEvent[]) => events.map((event) => event.text);

  it.each([
    ['100 events of 40,000 "', 100, '"'.repeat(40_000), [26, 26, 26, 22]],
    ['16 events of 65,521 NULs (the largest frame, escaped to 6 bytes a character)', 16, '\0'.repeat(LONGEST_TEXT), [9, 7]],
  ])('fails if a page of %s exceeds the 6 MiB response, or paging loses or repeats one', async (_, count, text, sizes) => {
    // GIVEN events whose JSON escaping makes a full page far larger than a Function URL may answer
    const events = Array.from({ length: count }, (_, i) => ({ time: T0 + i * 1000, actors: [7], text: `${i}${text}` }));
    const { layout, stored } = await seed([[events]]);
    const { handler } = handlerOf(layout);
    // WHEN a client pages through them, 100 to a page
    const pages = await allPages(handler, { actors: '7', from: String(T0), to: String(T0 + DAY_MS - 1), limit: '100' });
    // THEN every answer fits, the first is cut short with next, and the pages hold each event once, in order
    for (const { payloadBytes } of pages) expect(payloadBytes).toBeLessThanOrEqual(FUNCTION_URL_RESPONSE_BYTES);
    expect(pages.map((p) => p.events.length)).toEqual(sizes);
    expect(textsOf(pages.flatMap((p) => p.events))).toEqual(
      textsOf(expectedEvents(stored, { actors: [7], from: T0, to: T0 + DAY_MS }).map((s) => s.event)),
    );
  });

  it('fails if erased events break the byte budget or the time bound: each page stops as an unerased one does, and the pages hold the oracle minus erased events', async () => {
    // GIVEN large events of actor 7, every third of which also names actor 8, over 40 days
    const text = '"'.repeat(40_000);
    const batches = Array.from({ length: 40 }, (_, d) =>
      [0, 1, 2].map((k) => ({ time: T0 + d * DAY_MS + k * 1000, actors: k === 1 ? [7, 8] : [7], text: `${d}.${k}${text}` })),
    );
    const { layout, stored } = await seed([batches]);
    // AND actor 8 erased
    await eraseActor(
      { s3: local.s3, bucket: local.bucket, keys: new ErasureKeys(layout) },
      { actor: 8, principal: 'tester', now: T0 + 50 * DAY_MS },
    );
    const query = { actors: '7', from: String(T0), to: String(T0 + 40 * DAY_MS), limit: '1000' };
    const expected = textsOf(
      expectedVisibleEvents(stored, { actors: [7], from: T0, to: T0 + 40 * DAY_MS }, new Set([8])).map((s) => s.event),
    );
    expect(expected).toHaveLength(80);
    // WHEN a client pages through them within the byte budget
    const bytes = await allPages(handlerOf(layout).handler, query);
    // THEN pages are cut at the budget, with next, and hold every visible event once
    for (const { payloadBytes } of bytes) expect(payloadBytes).toBeLessThanOrEqual(FUNCTION_URL_RESPONSE_BYTES);
    expect(bytes.length).toBeGreaterThan(1);
    expect(textsOf(bytes.flatMap((p) => p.events))).toEqual(expected);
    // AND WHEN time runs out after a few reads on a new instance, THEN pages end early with next, and lose nothing
    let now = T0 + 50 * DAY_MS;
    const timed = await allPages(handlerOf(layout, { clock: () => (now += 1000) }).handler, query, DEADLINE_MARGIN_MS + 20_000);
    expect(timed.length).toBeGreaterThan(bytes.length);
    expect(textsOf(timed.flatMap((p) => p.events))).toEqual(expected);
  });

  it('answers a single largest event of the worst escaping on a page of its own', async () => {
    const text = '\u0001'.repeat(LONGEST_TEXT);
    const { layout } = await seed([[[{ time: T0, actors: [3], text }]]]);
    const { handler } = handlerOf(layout);
    const answer = await page(handler, { actors: '3', from: String(T0), to: String(T0 + 1) });
    expect(answer).toMatchObject({ status: 200, events: [{ time: T0, actors: [3], text }] });
    expect(answer.payloadBytes).toBeLessThanOrEqual(FUNCTION_URL_RESPONSE_BYTES);
  });

  it('fails if a sparse 366-day query runs past its time instead of answering a page with next, or if the cursors lose an event', async () => {
    // GIVEN a year in which actor 7 appears on 12 days, and other actors on others
    const end = T0 + 365 * DAY_MS;
    const batches = Array.from({ length: 24 }, (_, k) => {
      const time = end - 365 * DAY_MS + k * 15 * DAY_MS + k * 3_600_000;
      return [{ time, actors: k % 2 === 0 ? [7, k] : [100 + k], text: `day ${k}` }];
    });
    const { layout, stored } = await seed([batches, [[{ time: end - DAY_MS, actors: [7], text: 'last' }]]]);
    // AND a clock that moves a second each time it is read, so that time runs out after a few reads
    let now = end;
    const { handler } = handlerOf(layout, { clock: () => (now += 1000) });
    const remainingMs = DEADLINE_MARGIN_MS + 40_000;
    // WHEN a client pages through the year, 1000 to a page
    const query = { actors: '7', from: String(end - 365 * DAY_MS), to: String(end), limit: '1000' };
    const pages = await allPages(handler, query, remainingMs);
    // THEN pages end early with next (a page may be empty), and together they hold exactly the oracle's events
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0]?.next).toEqual(expect.any(String));
    const expected = expectedEvents(stored, { actors: [7], from: end - 365 * DAY_MS, to: end }).map((s) => s.event);
    expect(expected).toHaveLength(13);
    expect(pages.flatMap((p) => p.events)).toEqual(expected);
    // AND the same, newest first, on a new instance (a warm one answers from its cached days within its time)
    const { handler: cold } = handlerOf(layout, { clock: () => (now += 1000) });
    const descending = await allPages(cold, { ...query, from: query.to, to: query.from }, remainingMs);
    expect(descending.length).toBeGreaterThan(2);
    expect(descending.flatMap((p) => p.events)).toEqual([...expected].reverse());
  });

  it('fails if a query reaching past the retention horizon answers 500 when the oldest days are expiring', async () => {
    // GIVEN five days of events, and the bucket's lifecycle (3 days) deleting a chunk of the second oldest
    const today = T0 + 10 * DAY_MS;
    const days = [4, 3, 2, 1, 0].map((back) => [{ time: today - back * DAY_MS + 3_600_000, actors: [9], text: `${back} days ago` }]);
    const { layout, keys } = await seed([days]);
    const expiring = keys.find((key) => key.includes('/2026-07-08/'));
    await local.s3.send(new DeleteObjectCommand({ Bucket: local.bucket, Key: expiring }));
    const query = { actors: '9', from: String(today - 5 * DAY_MS), to: String(today + DAY_MS - 1) };
    // WHEN the query Lambda does not know the retention, THEN the missing chunk is a fault
    expect((await page(handlerOf(layout, { clock: () => today + 3_600_000 }).handler, query)).status).toBe(500);
    // WHEN it does, THEN it serves only the days still whole: today and the two before
    const { handler, errors } = handlerOf(layout, { clock: () => today + 3_600_000, retentionDays: 3 });
    const answer = await page(handler, query);
    expect(answer).toMatchObject({ status: 200, next: undefined });
    expect(textsOf(answer.events)).toEqual(['2 days ago', '1 days ago', '0 days ago']);
    expect(errors).toEqual([]);
  });
});
