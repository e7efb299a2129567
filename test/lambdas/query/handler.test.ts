import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErasureDeps } from '../../../lambdas/query/erasure-routes';
import { createQueryHandler } from '../../../lambdas/query/handler';
import { functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../../shared/query/context';
import { encodeCursor } from '../../../shared/query/cursor';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const NOW = T0 + 2 * DAY_MS;

interface Logged {
  level: 'info' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

describe('query Lambda handler', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let chunkKey: string;
  const logged: Logged[] = [];
  const layout = new KeyLayout('handler/');
  let handler: ReturnType<typeof createQueryHandler>;
  let context: QueryContext;

  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
    const target = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 1024 } };
    // Two writers, two days: 30 events each, one every hour from T0 + 30 min; actor 5 in every third.
    const events = (writer: number) =>
      Array.from({ length: 30 }, (_, i) => ({
        time: T0 + 1_800_000 + i * 3_600_000,
        actors: i % 3 === 0 ? [writer, 5] : [writer],
        text: `w${writer} e${i}`,
      }));
    chunkKey = (await seedWriter(target, 'shardId-000000000000', [events(0)])).keys[0] as string;
    await seedWriter(target, 'shardId-000000000001', [events(1)]);
    context = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
    handler = createQueryHandler({
      context: async () => context,
      maxSpanDays: 366,
      erasure: createErasureDeps(local.s3, local.bucket, layout, []),
      clock: () => NOW,
      logger: {
        info: (message, attributes) => logged.push({ level: 'info', message, attributes }),
        error: (message, attributes) => logged.push({ level: 'error', message, attributes }),
      },
    });
  });
  afterAll(() => local.stop());

  async function get(path: string, query?: Record<string, string>, method = 'GET') {
    const response = await handler(functionUrlEvent({ method, path, ...(query ? { query } : {}) }), lambdaContext());
    return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body ?? 'null') };
  }

  it('GET /health answers ok', async () => {
    expect(await get('/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('other routes are 404, other methods 405 with the allowed method', async () => {
    expect(await get('/event')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route GET /event' } } });
    expect(await get('/events/')).toMatchObject({ status: 404 });
    expect(await get('/events', undefined, 'POST')).toMatchObject({
      status: 405,
      headers: { allow: 'GET' },
      body: { error: { code: 'method_not_allowed', message: 'POST is not allowed on /events (allowed: GET)' } },
    });
    expect(await get('/health', undefined, 'DELETE')).toMatchObject({ status: 405 });
  });

  it('answers events as {time, actors, text} with time in epoch ms, and logs the query with its costs', async () => {
    logged.length = 0;
    const { status, body, headers } = await get('/events', { actors: '0,5', from: String(T0), to: String(T0 + 7 * 3_600_000) });
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      events: [
        { time: T0 + 1_800_000, actors: [0, 5], text: 'w0 e0' },
        { time: T0 + 1_800_000 + 3 * 3_600_000, actors: [0, 5], text: 'w0 e3' },
        { time: T0 + 1_800_000 + 6 * 3_600_000, actors: [0, 5], text: 'w0 e6' },
      ],
    });
    expect(logged).toEqual([
      {
        level: 'info',
        message: 'query',
        attributes: expect.objectContaining({
          actors: [0, 5],
          rows: 3,
          more: false,
          requests: expect.any(Number),
          bytes: expect.any(Number),
        }),
      },
    ]);
  });

  it('pages with next until it is absent, newest first when from > to', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = next
        ? { actors: '5', cursor: next, limit: '4' }
        : { actors: '5', from: String(NOW), to: String(T0), limit: '4' };
      const { status, body } = await get('/events', query);
      expect(status).toBe(200);
      seen.push(...body.events.map((e: { text: string }) => e.text));
      next = body.next;
      pages++;
    } while (next);
    const expected = Array.from({ length: 10 }, (_, k) => 27 - 3 * k).flatMap((i) => [`w1 e${i}`, `w0 e${i}`]);
    expect(seen).toEqual(expected);
    expect(pages).toBe(5);
  });

  it('takes the last 24 hours by default', async () => {
    const { body } = await get('/events', { actors: '5' });
    // NOW - 24 h .. NOW is the second day, which holds events 24..29 of each writer; actor 5 is in 24 and 27.
    expect(body.events.map((e: { text: string }) => e.text)).toEqual(['w0 e24', 'w1 e24', 'w0 e27', 'w1 e27']);
  });

  const otherCursor = encodeCursor({ actors: [6], from: T0, to: NOW, limit: 100 }, { time: T0, writer: 'w', seq: 0, ordinal: 0 });
  const badInput: [string, Record<string, string>, string, string][] = [
    ['missing actors', {}, 'actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890'],
    ['a non-integer actor', { actors: '1.5' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "1.5")'],
    ['an actor over 2^32-1', { actors: '4294967296' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "4294967296")'],
    ['a negative actor', { actors: '-3' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "-3")'],
    [
      'too many actors',
      { actors: Array.from({ length: 40 }, (_, i) => i).join(',') },
      'actors_too_many',
      'a query may name at most 32 actors (got 40)',
    ],
    ['a duplicate actor', { actors: '5,5' }, 'actor_duplicate', 'actor 5 is named twice'],
    [
      'an invalid from',
      { actors: '5', from: 'noon' },
      'time_invalid',
      'from: "noon" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'an invalid to',
      { actors: '5', to: '2026-07-01T25:00Z' },
      'time_invalid',
      'to: "2026-07-01T25:00Z" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'a span too large',
      { actors: '5', from: '0', to: String(NOW) },
      'span_too_large',
      'from..to spans 20637.0 days, over the maximum of 366 days',
    ],
    ['limit 0', { actors: '5', limit: '0' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "0")'],
    ['limit 1001', { actors: '5', limit: '1001' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "1001")'],
    ['a non-integer limit', { actors: '5', limit: 'ten' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "ten")'],
    [
      'a malformed cursor',
      { actors: '5', cursor: 'abc' },
      'cursor_invalid',
      'cursor is invalid: it is not of the form <data>.<check>; pass the "next" value of a previous page unchanged',
    ],
    ['a cursor from another query', { actors: '5', cursor: otherCursor }, 'cursor_mismatch', 'cursor belongs to a query for other actors'],
    [
      'an unknown parameter',
      { actors: '5', order: 'desc' },
      'parameter_unknown',
      'unknown parameter "order" (allowed: actors, from, to, limit, cursor, contains)',
    ],
  ];
  it.each(badInput)('answers 400 for %s', async (_name, query, code, message) => {
    logged.length = 0;
    expect(await get('/events', query)).toMatchObject({ status: 400, body: { error: { code, message } } });
    expect(logged.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('GET /events/counts answers matches per equal bucket, ascending whichever way the bounds go, and logs its costs', async () => {
    logged.length = 0;
    // Actor 5 at 00:30, 03:30, …, 21:30 of the first day, in both writers: 8 times 2 events.
    const query = { actors: '5', from: String(T0 + DAY_MS - 1), to: String(T0), buckets: '4' };
    expect(await get('/events/counts', query)).toMatchObject({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { from: T0, to: T0 + DAY_MS - 1, width: 6 * 3_600_000, counts: [4, 4, 4, 4] },
    });
    expect(logged).toEqual([
      {
        level: 'info',
        message: 'counts',
        attributes: expect.objectContaining({ actors: [5], buckets: 4, rows: 16, blocksDecoded: expect.any(Number) }),
      },
    ]);
    const filtered = await get('/events/counts', { ...query, contains: 'W1 E2' });
    // Of actor 5's texts holding "w1 e2" (e21, e24, e27), only w1 e21 (21:30) is on the first day.
    expect(filtered.body.counts).toEqual([0, 0, 0, 1]);
  });

  it('GET /events with contains keeps the events whose text holds it in any case, and binds the cursor to it', async () => {
    const first = await get('/events', { actors: '5', from: String(T0), to: String(NOW), contains: 'E2', limit: '2' });
    expect(first.body.events.map((e: { text: string }) => e.text)).toEqual(['w0 e21', 'w1 e21']);
    // The next page keeps the first page's size (the cursor carries it) and the filter, whatever its case.
    const second = await get('/events', { actors: '5', cursor: first.body.next, contains: 'e2' });
    expect(second.body.events.map((e: { text: string }) => e.text)).toEqual(['w0 e24', 'w1 e24']);
    const rest = await get('/events', { actors: '5', cursor: second.body.next, contains: 'e2', limit: '10' });
    expect(rest.body.events.map((e: { text: string }) => e.text)).toEqual(['w0 e27', 'w1 e27']);
    expect(await get('/events', { actors: '5', cursor: first.body.next })).toMatchObject({
      status: 400,
      body: { error: { code: 'cursor_mismatch', message: 'cursor belongs to a query with another contains text' } },
    });
  });

  const badCounts: [string, Record<string, string>, string, string][] = [
    ['missing actors', {}, 'actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890'],
    ['a word for an actor', { actors: 'alice' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "alice")'],
    ['buckets 0', { actors: '5', buckets: '0' }, 'buckets_invalid', 'buckets must be an integer in 1..1000 (got "0")'],
    ['buckets 1001', { actors: '5', buckets: '1001' }, 'buckets_invalid', 'buckets must be an integer in 1..1000 (got "1001")'],
    [
      'a span too large',
      { actors: '5', from: '0', to: String(NOW) },
      'span_too_large',
      'from..to spans 20637.0 days, over the maximum of 366 days',
    ],
    [
      'a cursor (counts have no pages)',
      { actors: '5', cursor: 'abc' },
      'parameter_unknown',
      'unknown parameter "cursor" (allowed: actors, from, to, buckets, contains)',
    ],
    [
      'a contains text over 256 characters',
      { actors: '5', contains: 'x'.repeat(257) },
      'contains_invalid',
      'contains is 257 characters long, over the maximum of 256',
    ],
  ];
  it.each(badCounts)('GET /events/counts answers 400 for %s', async (_name, query, code, message) => {
    expect(await get('/events/counts', query)).toMatchObject({ status: 400, body: { error: { code, message } } });
  });

  it('a corrupt chunk fails the request with 500 "internal error" and logs its key', async () => {
    const response = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: chunkKey }));
    const original = await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    const damaged = original.slice();
    damaged[damaged.length - 3] = (damaged[damaged.length - 3] as number) ^ 0x40;
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: chunkKey, Body: damaged }));
    try {
      logged.length = 0;
      // The damage is in a block, which a warm instance may hold already: a new one reads it, and its checksum catches it.
      context = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
      const result = await get('/events', { actors: '0', from: String(T0), to: String(NOW), limit: '1000' });
      expect(result).toEqual({
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: { error: { code: 'internal', message: 'internal error' } },
      });
      expect(logged).toEqual([{ level: 'error', message: 'query failed', attributes: expect.objectContaining({ key: chunkKey }) }]);
      expect(logged[0]?.attributes.error).toMatchObject({ name: 'CorruptError', message: expect.stringMatching(/checksum mismatch/) });
    } finally {
      await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: chunkKey, Body: original }));
    }
  });
});
