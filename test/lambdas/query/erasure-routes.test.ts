import { beforeAll, describe, expect, it } from 'vitest';
import { createErasureDeps } from '../../../lambdas/query/erasure-routes';
import { createQueryHandler } from '../../../lambdas/query/handler';
import { type FunctionUrlRequest, functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const NOW = T0 + 3 * DAY_MS;
const ERASER = 'arn:aws:iam::123456789012:role/service-role/DataProtection';
const ERASER_SESSION = 'arn:aws:sts::123456789012:assumed-role/DataProtection/dpo-session';
const READER_SESSION = 'arn:aws:sts::123456789012:assumed-role/Reader/app';

describe('erasure routes of the query Function URL', () => {
  let zstd: BlockCompressor;
  beforeAll(async () => {
    zstd = await loadZstd();
  });

  async function setup() {
    const memory = new MemoryS3();
    const s3 = memory.client();
    const layout = new KeyLayout('t/');
    // Actor 1 alone, actors 1 and 2 together (a chat between them), actor 2 alone, over two days.
    await seedWriter({ s3, bucket: memory.bucket, layout, zstd }, 'shardId-000000000000', [
      [
        { time: T0 + 1000, actors: [1], text: 'one alone' },
        { time: T0 + 2000, actors: [1, 2], text: 'one to two' },
        { time: T0 + DAY_MS + 3000, actors: [2], text: 'two alone' },
        { time: T0 + DAY_MS + 4000, actors: [2, 3], text: 'two to three' },
      ],
    ]);
    const context = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
    const handler = createQueryHandler({
      context: async () => context,
      maxSpanDays: 366,
      erasure: createErasureDeps(s3, memory.bucket, layout, [ERASER]),
      clock: () => NOW,
      logger: { info: () => undefined, error: () => undefined },
    });
    const call = async (request: FunctionUrlRequest, principal?: string) => {
      const event = functionUrlEvent(request);
      const withAuth = principal
        ? { ...event, requestContext: { ...event.requestContext, authorizer: { iam: { userArn: principal, accountId: '123456789012' } } } }
        : event;
      const response = await handler(withAuth, lambdaContext());
      return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body ?? 'null') };
    };
    const texts = async (actors: string) =>
      (await call({ path: '/events', query: { actors, from: String(T0), to: String(T0 + 2 * DAY_MS) } }, READER_SESSION)).body.events.map(
        (e: { text: string }) => e.text,
      );
    const counts = async (actors: string) =>
      (
        await call(
          { path: '/events/counts', query: { actors, from: String(T0), to: String(T0 + 2 * DAY_MS - 1), buckets: '2' } },
          READER_SESSION,
        )
      ).body.counts;
    return { call, texts, counts, memory };
  }

  it('DELETE /actors/{id} hides every event naming the actor at once, those naming others too, and answers an erasure id', async () => {
    const { call, texts, counts } = await setup();
    expect(await texts('2')).toEqual(['one to two', 'two alone', 'two to three']);
    expect(await counts('2')).toEqual([1, 2]);
    expect(await counts('1')).toEqual([2, 0]);
    const erased = await call({ method: 'DELETE', path: '/actors/2' }, ERASER_SESSION);
    expect(erased).toMatchObject({
      status: 200,
      body: {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        actor: 2,
        status: 'hidden',
        days: null,
        requestedAt: new Date(NOW).toISOString(),
        principal: ERASER_SESSION,
      },
    });
    expect(await texts('2')).toEqual([]);
    expect(await texts('1')).toEqual(['one alone']);
    expect(await texts('3')).toEqual([]);
    expect(await counts('2')).toEqual([0, 0]);
    expect(await counts('1')).toEqual([1, 0]);
    expect(await counts('3')).toEqual([0, 0]);
    const again = await call({ method: 'DELETE', path: '/actors/2' }, ERASER_SESSION);
    expect(again.body).toEqual(erased.body);
    expect(await call({ path: `/erasures/${erased.body.id}` }, ERASER_SESSION)).toEqual({ ...erased, headers: erased.headers });
  });

  it('erases an actor that has no events', async () => {
    const { call, texts } = await setup();
    expect((await call({ method: 'DELETE', path: '/actors/4294967295' }, ERASER_SESSION)).body).toMatchObject({
      actor: 4294967295,
      status: 'hidden',
    });
    expect(await texts('1')).toEqual(['one alone', 'one to two']);
  });

  it('answers 400 for an id that is not a uint32, with the exact message', async () => {
    const { call } = await setup();
    const cases = [
      ['1.5', 'actor id must be an integer in 0..4294967295 (got "1.5")'],
      ['-1', 'actor id must be an integer in 0..4294967295 (got "-1")'],
      ['abc', 'actor id must be an integer in 0..4294967295 (got "abc")'],
      ['', 'actor id must be an integer in 0..4294967295 (got "")'],
      ['4294967296', 'actor id must be an integer in 0..4294967295 (got "4294967296")'],
      ['99999999999', 'actor id must be an integer in 0..4294967295 (got "99999999999")'],
    ];
    for (const [id, message] of cases) {
      expect(await call({ method: 'DELETE', path: `/actors/${id}` }, ERASER_SESSION)).toMatchObject({
        status: 400,
        body: { error: { code: 'actor_invalid', message } },
      });
    }
  });

  it('answers 403 to a caller without the erase grant, and erases nothing', async () => {
    const { call, texts, memory } = await setup();
    for (const principal of [READER_SESSION, undefined]) {
      const denied = await call({ method: 'DELETE', path: '/actors/1' }, principal);
      expect(denied).toMatchObject({
        status: 403,
        body: {
          error: {
            code: 'erasure_forbidden',
            message: `${principal ?? 'an unsigned caller'} does not hold the erase grant (TalesLog.grantErase)`,
          },
        },
      });
    }
    expect((await call({ path: `/erasures/${'a'.repeat(32)}` }, READER_SESSION)).status).toBe(403);
    expect([...memory.objects.keys()].filter((key) => key.includes('erasures/'))).toEqual([]);
    expect(await texts('1')).toEqual(['one alone', 'one to two']);
  });

  it('answers 404 for an unknown or malformed erasure id, and 405 for other methods', async () => {
    const { call } = await setup();
    for (const id of ['0'.repeat(32), 'nope', '../set']) {
      expect(await call({ path: `/erasures/${encodeURIComponent(id)}` }, ERASER_SESSION)).toMatchObject({
        status: 404,
        body: { error: { code: 'erasure_not_found', message: `no erasure with id "${id}"` } },
      });
    }
    expect(await call({ path: '/actors/1' }, ERASER_SESSION)).toMatchObject({ status: 405, headers: { allow: 'DELETE' } });
    expect(await call({ method: 'DELETE', path: `/erasures/${'0'.repeat(32)}` }, ERASER_SESSION)).toMatchObject({
      status: 405,
      headers: { allow: 'GET' },
    });
  });
});
