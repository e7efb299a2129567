import {
  DeleteStreamCommand,
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsResultEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler, type IngestLogger } from '../../../lambdas/ingest/handler';
import { type FunctionUrlRequest, functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import type { IngestSettings } from '../../../shared/ingest/types';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { readStream } from '../../support/read-stream';

const NOW = Date.UTC(2026, 6, 1, 12);
const HOUR = 3_600_000;

const settings = (streamName: string): IngestSettings => ({
  streamName,
  skewPastMs: 24 * HOUR,
  skewFutureMs: 300_000,
  maxBodyBytes: 200_000,
  maxEvents: 1000,
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: {
    accepted?: number;
    failed?: { index: number; code: string; message: string }[];
    error?: { code: string; message: string };
  };
}

type Handler = ReturnType<typeof createIngestHandler>;

async function call(handler: Handler, request: FunctionUrlRequest, remainingMs = 10_000): Promise<Answer> {
  const response = (await handler(
    functionUrlEvent({ method: 'POST', path: '/events', ...request }),
    lambdaContext(remainingMs),
  )) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode as number, headers: response.headers ?? {}, body: JSON.parse(response.body ?? 'null') };
}

const post = (handler: Handler, body: unknown, headers: Record<string, string> = {}) =>
  call(handler, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });

function spyLogger() {
  return { error: vi.fn<IngestLogger['error']>() };
}

describe('ingest handler against kinesalite', () => {
  let local: LocalKinesis;
  let handler: Handler;
  let logger: ReturnType<typeof spyLogger>;
  let streams = 0;
  let stream: string;

  beforeAll(async () => {
    local = await startLocalKinesis();
  });
  afterAll(() => local.stop());
  afterEach(() => local.kinesis.send(new DeleteStreamCommand({ StreamName: stream })));
  beforeEach(async () => {
    stream = `ingest-${++streams}`;
    await local.createStream(stream, 2);
    logger = spyLogger();
    handler = createIngestHandler({ settings: settings(stream), kinesis: local.kinesis, logger, clock: () => NOW });
  });

  const stored = async () => (await readStream(local.kinesis, stream)).map((r) => ({ ...r, event: JSON.parse(r.text) }));

  it('writes posted events once each, in order per partition key, in the documented record schema', async () => {
    const events = Array.from({ length: 700 }, (_, i) => ({ actors: [i % 7, 1000 + i], text: `event ${i}`, time: NOW - i }));
    expect(await post(handler, events.slice(0, 600))).toEqual({
      status: 202,
      headers: { 'content-type': 'application/json' },
      body: { accepted: 600 },
    });
    const ndjson = events
      .slice(600, 699)
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect((await post(handler, ndjson, { 'Content-Type': 'application/x-ndjson' })).body).toEqual({ accepted: 99 });
    expect(
      (await call(handler, { body: Buffer.from(JSON.stringify(events[699])).toString('base64'), isBase64Encoded: true })).body,
    ).toEqual({ accepted: 1 });

    const records = await stored();
    expect(records).toHaveLength(700);
    for (const record of records) {
      expect(record.text).toBe(
        `{"actors":${JSON.stringify(record.event.actors)},"text":${JSON.stringify(record.event.text)},"time":${record.event.time}}`,
      );
      expect(record.partitionKey).toBe(String(record.event.actors[0]));
    }
    expect(new Set(records.map((r) => r.event.text)).size).toBe(700);
    for (let key = 0; key < 7; key++) {
      const sent = events.filter((e) => e.actors[0] === key).map((e) => e.text);
      expect(records.filter((r) => r.partitionKey === String(key)).map((r) => r.event.text)).toEqual(sent);
    }
    expect(new Set(records.map((r) => r.shardId)).size).toBe(2);
  });

  it('stamps server time on events without one and keeps a given time, epoch ms or ISO-8601', async () => {
    const iso = new Date(NOW - HOUR).toISOString();
    await post(handler, [
      { actors: [1], text: 'now' },
      { actors: [1], text: 'iso', time: iso },
      { actors: [1], text: 'ms', time: NOW + 1000 },
    ]);
    expect((await stored()).map((r) => r.event)).toEqual([
      { actors: [1], text: 'now', time: NOW },
      { actors: [1], text: 'iso', time: NOW - HOUR },
      { actors: [1], text: 'ms', time: NOW + 1000 },
    ]);
  });

  it('writes the valid events of a mixed batch and answers 207 naming exactly the invalid ones', async () => {
    const answer = await post(handler, [{ actors: [1], text: 'a' }, { actors: [1, 1], text: 'dup' }, { actors: [2], text: 'b' }, 'nope']);
    expect(answer).toEqual({
      status: 207,
      headers: { 'content-type': 'application/json' },
      body: {
        accepted: 2,
        failed: [
          { index: 1, code: 'actor_duplicate', message: 'actor 1 is named twice' },
          { index: 3, code: 'not_an_object', message: 'event must be a JSON object (got "nope")' },
        ],
      },
    });
    expect((await stored()).map((r) => r.event.text).sort()).toEqual(['a', 'b']);
  });

  describe('bad input', () => {
    const big = 'x'.repeat(65_536);
    const cases: [string, unknown, string, string][] = [
      ['wrong actors type', { actors: '1', text: 'a' }, 'actor_invalid', 'actors must be an array of uint32 ids (got "1")'],
      ['a non-integer actor', { actors: [1.5], text: 'a' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got number 1.5)'],
      [
        'an actor of 2^32',
        { actors: [4_294_967_296], text: 'a' },
        'actor_invalid',
        'actor must be an integer in 0..4294967295 (got number 4294967296)',
      ],
      ['a negative actor', { actors: [-1], text: 'a' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got number -1)'],
      ['no actors', { actors: [], text: 'a' }, 'actors_empty', 'actors must name at least one actor'],
      ['duplicate actors', { actors: [5, 6, 5], text: 'a' }, 'actor_duplicate', 'actor 5 is named twice'],
      [
        '33 actors',
        { actors: Array.from({ length: 33 }, (_, i) => i), text: 'a' },
        'actors_too_many',
        'an event may name at most 32 actors (got 33)',
      ],
      ['wrong text type', { actors: [1], text: 5 }, 'text_missing', 'text is required: a string (got number 5)'],
      [
        'a lone surrogate in text',
        { actors: [1], text: '\ud800' },
        'text_invalid_utf8',
        'text is not valid UTF-8 (it holds a lone surrogate)',
      ],
      [
        'oversized text',
        { actors: [1], text: big },
        'frame_too_large',
        'event frame is 65551 bytes, over the 65536-byte limit (text is 65536 bytes)',
      ],
      ['an unknown field', { actors: [1], text: 'a', extra: 1 }, 'unknown_field', 'unknown field "extra" (allowed: actors, text, time)'],
      [
        'a __proto__ field',
        JSON.parse('{"actors":[1],"text":"a","__proto__":{}}'),
        'unknown_field',
        'unknown field "__proto__" (allowed: actors, text, time)',
      ],
      [
        'wrong time type',
        { actors: [1], text: 'a', time: true },
        'time_invalid',
        'time must be epoch milliseconds or an ISO-8601 string (got boolean true)',
      ],
      [
        'a time over a day old',
        { actors: [1], text: 'a', time: NOW - 24 * HOUR - 1 },
        'time_out_of_window',
        'time 2026-06-30T11:59:59.999Z is outside the accepted window (86400 s before to 300 s after server time 2026-07-01T12:00:00.000Z)',
      ],
      [
        'a time over 5 minutes ahead',
        { actors: [1], text: 'a', time: new Date(NOW + 300_001).toISOString() },
        'time_out_of_window',
        'time 2026-07-01T12:05:00.001Z is outside the accepted window (86400 s before to 300 s after server time 2026-07-01T12:00:00.000Z)',
      ],
    ];

    it.each(cases)('answers 400 for an event with %s, naming its code and message, and writes nothing', async (_, event, code, message) => {
      expect(await post(handler, event)).toEqual({
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: {
          error: { code: 'no_valid_events', message: 'no event of the request is valid (1 invalid); failed names each with its code' },
          accepted: 0,
          failed: [{ index: 0, code, message }],
        },
      });
      expect(await stored()).toEqual([]);
    });

    it('fails if a request in which no event is valid answers anything but 400 with one code per event', async () => {
      const answer = await post(handler, [{ actors: [], text: 'a' }, { actors: [1], text: 7 }, 'nope']);
      expect(answer).toMatchObject({
        status: 400,
        body: {
          error: { code: 'no_valid_events', message: 'no event of the request is valid (3 invalid); failed names each with its code' },
          accepted: 0,
          failed: [
            { index: 0, code: 'actors_empty' },
            { index: 1, code: 'text_missing' },
            { index: 2, code: 'not_an_object' },
          ],
        },
      });
      expect(await stored()).toEqual([]);
    });

    it('accepts the bounds of the model: actors 0 and 2^32-1, 32 actors, a full frame, the window edges', async () => {
      const answer = await post(handler, [
        { actors: [0], text: 'zero' },
        { actors: [4_294_967_295], text: 'max' },
        { actors: Array.from({ length: 32 }, (_, i) => i), text: 'many' },
        { actors: [1], text: 'x'.repeat(65_536 - 15) },
        { actors: [1], text: 'oldest', time: NOW - 24 * HOUR },
        { actors: [1], text: 'newest', time: NOW + 300_000 },
      ]);
      expect(answer.body).toEqual({ accepted: 6 });
      expect((await stored()).map((r) => r.partitionKey).sort()).toEqual(['0', '0', '1', '1', '1', '4294967295']);
    });

    it.each([
      ['an empty body', { body: '' }, 400, 'empty_body'],
      ['no body at all', {}, 400, 'empty_body'],
      ['invalid JSON', { body: '{"actors":[1]' }, 400, 'invalid_json'],
      [
        'an invalid NDJSON line',
        { body: '{"actors":[1],"text":"a"}\n{oops}', headers: { 'content-type': 'application/x-ndjson' } },
        400,
        'invalid_json',
      ],
      ['a body that is not an object or array', { body: '12' }, 400, 'invalid_body'],
      [
        'invalid UTF-8 in a base64 body',
        { body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), isBase64Encoded: true },
        400,
        'invalid_utf8',
      ],
      [
        'too many events',
        { body: JSON.stringify(Array.from({ length: 1001 }, () => ({ actors: [1], text: 'a' }))) },
        413,
        'too_many_events',
      ],
      ['a body over the size limit', { body: JSON.stringify([{ actors: [1], text: 'x'.repeat(200_000) }]) }, 413, 'body_too_large'],
    ] as [string, FunctionUrlRequest, number, string][])('answers %s with a 4xx and writes nothing', async (_, request, status, code) => {
      const answer = await call(handler, request);
      expect(answer.status).toBe(status);
      expect(answer.body.error?.code).toBe(code);
      expect(answer.body.error?.message).toEqual(expect.any(String));
      expect(await stored()).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('answers 405 with an Allow header for another method on /events, and 404 for another path', async () => {
      const wrongMethod = await call(handler, { method: 'GET' });
      expect(wrongMethod).toEqual({
        status: 405,
        headers: { 'content-type': 'application/json', allow: 'POST' },
        body: { error: { code: 'method_not_allowed', message: 'GET is not allowed on /events (allowed: POST)' } },
      });
      const wrongPath = await call(handler, { path: '/event', body: '{"actors":[1],"text":"a"}' });
      expect(wrongPath).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route POST /event' } } });
      expect(await stored()).toEqual([]);
    });
  });
});

describe('ingest handler when Kinesis fails', () => {
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const mock = mockClient(kinesis);
  const decoder = new TextDecoder();
  let logger: ReturnType<typeof spyLogger>;
  let handler: Handler;

  beforeEach(() => {
    mock.reset();
    logger = spyLogger();
    handler = createIngestHandler({ settings: settings('s'), kinesis, logger, clock: Date.now });
  });

  const textsOf = (input: PutRecordsCommandInput) => (input.Records ?? []).map((r) => JSON.parse(decoder.decode(r.Data)).text as string);
  const ok: PutRecordsResultEntry = { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
  const throttled: PutRecordsResultEntry = {
    ErrorCode: 'ProvisionedThroughputExceededException',
    ErrorMessage: 'Rate exceeded for account 123',
  };

  it('retries the records Kinesis failed, so each is written exactly once, and answers 202', async () => {
    const written: string[] = [];
    let calls = 0;
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      calls++;
      return {
        FailedRecordCount: 1,
        Records: textsOf(input).map((text, i) => {
          if (calls === 1 && i % 2 === 1) return throttled;
          written.push(text);
          return ok;
        }),
      };
    });
    const events = Array.from({ length: 6 }, (_, i) => ({ actors: [1], text: `e${i}` }));
    expect(await post(handler, events)).toMatchObject({ status: 202, body: { accepted: 6 } });
    expect(written.sort()).toEqual(events.map((e) => e.text));
    expect(mock.commandCalls(PutRecordsCommand).map((c) => textsOf(c.args[0].input))).toEqual([
      ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'],
      ['e1', 'e3', 'e5'],
    ]);
  });

  it('answers 207 naming exactly the events still throttled when the time budget runs out', async () => {
    const written: string[] = [];
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: textsOf(input).map((text) => {
        if (text.startsWith('hot')) return throttled;
        written.push(text);
        return ok;
      }),
    }));
    const events = ['a', 'hot1', 'b', 'hot2', 'c'].map((text) => ({ actors: [1], text }));
    const answer = await call(handler, { body: JSON.stringify(events) }, 800);
    const message = 'the stream is over its throughput; retry later';
    expect(answer).toMatchObject({
      status: 207,
      body: {
        accepted: 3,
        failed: [
          { index: 1, code: 'kinesis_throttled', message },
          { index: 3, code: 'kinesis_throttled', message },
        ],
      },
    });
    expect(written).toEqual(['a', 'b', 'c']);
    expect(mock.commandCalls(PutRecordsCommand).length).toBeGreaterThan(1);
  });

  it('lists validation and Kinesis failures together, by index', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: textsOf(input).map((text) => (text === 'lost' ? { ErrorCode: 'KMSDisabledException' } : ok)),
    }));
    const answer = await post(handler, [
      { actors: [1], text: 'kept' },
      { actors: [1], text: 'lost' },
      { actors: [], text: 'bad' },
    ]);
    expect(answer.body).toEqual({
      accepted: 1,
      failed: [
        { index: 1, code: 'kinesis_rejected', message: 'the stream rejected the record (KMSDisabledException)' },
        { index: 2, code: 'actors_empty', message: 'actors must name at least one actor' },
      ],
    });
  });

  it('answers 207, not 400, when every event is valid but Kinesis takes none of them', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: textsOf(input).map(() => ({ ErrorCode: 'KMSDisabledException' })),
    }));
    const answer = await post(handler, [{ actors: [1], text: 'lost' }]);
    expect(answer).toMatchObject({ status: 207, body: { accepted: 0, failed: [{ index: 0, code: 'kinesis_rejected' }] } });
  });

  it('answers 500 "internal error" for a fault of the deployment and logs the details', async () => {
    const fault = new ResourceNotFoundException({ message: 'Stream s under account 123 not found', $metadata: {} });
    mock.on(PutRecordsCommand).rejects(fault);
    const answer = await post(handler, { actors: [1], text: 'a' });
    expect(answer).toMatchObject({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    expect(logger.error).toHaveBeenCalledWith('ingest failed', { error: fault, requestId: 'aws-request-1', stream: 's' });
  });

  it('answers any body with 202, 207, 400 or 413 and a JSON body, never a fault (fuzz)', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({ Records: (input.Records ?? []).map(() => ok) }));
    const event = fc.record(
      {
        actors: fc.oneof(fc.array(fc.integer({ min: -2, max: 2 ** 32 }), { maxLength: 4 }), fc.anything()),
        text: fc.oneof(fc.string(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      event.map((e) => JSON.stringify(e)),
      fc.array(event, { maxLength: 5 }).map((e) => JSON.stringify(e)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, ndjson) => {
        const answer = await call(handler, { body: text, headers: ndjson ? { 'content-type': 'application/x-ndjson' } : {} });
        expect([202, 207, 400, 413]).toContain(answer.status);
        if (answer.status < 300) expect(answer.body.accepted).toEqual(expect.any(Number));
        else expect(answer.body.error?.message).toEqual(expect.any(String));
        if (answer.status === 207) expect(answer.body.accepted).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });
});
