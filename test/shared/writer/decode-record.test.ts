import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT, MAX_TIME_MS } from '../../../shared/event/limits';
import { encodeRecord } from '../../../shared/kinesis/record';
import { decodeRecord } from '../../../shared/writer/decode-record';
import type { StreamRecord } from '../../../shared/writer/stream-record';

const ARRIVAL_S = 1_782_907_200.123_4;

function record(data: Uint8Array | string, arrival = ARRIVAL_S): StreamRecord {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    eventID: 'shardId-000000000000:7',
    kinesis: { sequenceNumber: '7', partitionKey: 'pk', data: Buffer.from(bytes).toString('base64'), approximateArrivalTimestamp: arrival },
  };
}

describe('decodeRecord', () => {
  it('decodes the record schema into an event', () => {
    expect(decodeRecord(record('{"actors":[12345,67890],"text":"Player attacked monster","time":1700000000000}'))).toEqual({
      kind: 'event',
      sequenceNumber: '7',
      event: { time: 1_700_000_000_000, actors: [12345, 67890], text: 'Player attacked monster' },
    });
  });

  it('decodes exactly the event the producer and the ingest edge encode', () => {
    const event = fc.record({
      time: fc.integer({ min: 0, max: MAX_TIME_MS }),
      actors: fc.uniqueArray(fc.integer({ min: 0, max: MAX_ACTOR_ID }), { minLength: 1, maxLength: MAX_ACTORS_PER_EVENT }),
      text: fc.string({ unit: 'grapheme', maxLength: 200 }),
    });
    fc.assert(
      fc.property(event, (event) => {
        expect(decodeRecord(record(encodeRecord(event).data))).toEqual({ kind: 'event', sequenceNumber: '7', event });
      }),
      { numRuns: 300 },
    );
  });

  it('takes the arrival time, rounded to whole milliseconds, when the record gives none', () => {
    const decoded = decodeRecord(record('{"actors":[1],"text":"t"}'));
    expect(decoded).toMatchObject({ event: { time: 1_782_907_200_123 } });
    expect(decodeRecord(record('{"actors":[1],"text":"t"}', 1_782_907_200.999_6))).toMatchObject({ event: { time: 1_782_907_201_000 } });
  });

  it('accepts any valid time, however far from the arrival: the skew window belongs to the ingest edge', () => {
    expect(decodeRecord(record('{"actors":[1],"text":"t","time":0}'))).toMatchObject({ event: { time: 0 } });
    expect(decodeRecord(record('{"actors":[1],"text":"t","time":"2030-01-01T00:00:00Z"}'))).toMatchObject({
      event: { time: Date.UTC(2030, 0, 1) },
    });
  });

  it.each([
    ['{"actors":[1],', 'not_json', /^record data is not JSON \(/],
    ['', 'not_json', /^record data is not JSON \(/],
    ['"text"', 'not_an_object', 'event must be a JSON object (got "text")'],
    ['{"actors":[1],"text":"t","constructor":1}', 'unknown_field', 'unknown field "constructor" (allowed: actors, text, time)'],
    ['{"__proto__":{"actors":[1]},"text":"t"}', 'unknown_field', 'unknown field "__proto__" (allowed: actors, text, time)'],
    ['{"actors":[4294967296],"text":"t"}', 'actor_invalid', 'actor must be an integer in 0..4294967295 (got number 4294967296)'],
    ['{"actors":[1],"text":"t","time":-1}', 'time_invalid', 'time must be an integer epoch ms in 0..253402300799999 (got -1)'],
    [
      '{"actors":[1],"text":"t","time":253402300800000}',
      'time_invalid',
      'time must be an integer epoch ms in 0..253402300799999 (got 253402300800000)',
    ],
    ['{"actors":[1],"text":"\\ud800"}', 'text_invalid_utf8', 'text is not valid UTF-8 (it holds a lone surrogate)'],
    [`{"actors":[1],"text":"t","time":${'['.repeat(100_000)}}`, 'json_too_deep', 'record data nests deeper than 8 levels'],
  ])('rejects %j as %s', (data, code, reason) => {
    const decoded = decodeRecord(record(data));
    expect(decoded).toMatchObject({ kind: 'rejected', code, sequenceNumber: '7', partitionKey: 'pk', arrival: 1_782_907_200_123 });
    if (decoded.kind === 'rejected') expect(decoded.reason).toMatch(reason);
  });

  it('rejects bytes that are not UTF-8, keeping the data exactly as received', () => {
    const bytes = Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    expect(decodeRecord(record(bytes))).toEqual({
      kind: 'rejected',
      sequenceNumber: '7',
      partitionKey: 'pk',
      arrival: 1_782_907_200_123,
      code: 'text_invalid_utf8',
      reason: 'record data is not valid UTF-8',
      data: Buffer.from(bytes).toString('base64'),
    });
  });

  it('turns any bytes into an event or a rejection, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        (bytes) => {
          const decoded = decodeRecord(record(bytes));
          expect(['event', 'rejected']).toContain(decoded.kind);
        },
      ),
      { numRuns: 500 },
    );
  });
});
