import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../../shared/event/decode-utf8';
import { type EventErrorCode, EventValidationError } from '../../../shared/event/errors';
import { MAX_ACTOR_ID, MAX_FRAME_BYTES, MAX_TIME_MS } from '../../../shared/event/limits';
import { parseTime, type ValidateOptions, validateEvent } from '../../../shared/event/validate';

const NOW = Date.UTC(2026, 6, 1, 12, 0, 0);
const options: ValidateOptions = { defaultTime: NOW };
const windowed: ValidateOptions = { defaultTime: NOW, window: { now: NOW, pastMs: 86_400_000, futureMs: 300_000 } };

/** Runs `action` and returns the EventValidationError it throws (fails the test if it throws nothing or something else). */
function rejection(action: () => unknown): EventValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return error as EventValidationError;
  }
  throw new Error('expected an EventValidationError, nothing was thrown');
}

function expectRejected(input: unknown, code: EventErrorCode, message: string, with_: ValidateOptions = options): void {
  const error = rejection(() => validateEvent(input, with_));
  expect({ code: error.code, message: error.message, name: error.name }).toEqual({ code, message, name: 'EventValidationError' });
}

/** Text of `bytes` UTF-8 bytes for an event with one actor: its frame is 15 + bytes. */
const ONE_ACTOR_FRAME_OVERHEAD = 8 + 1 + 2 + 4;

describe('validateEvent accepts', () => {
  it('a minimal event and returns a clean copy', () => {
    const input = { actors: [1, 2], text: 'hi', time: NOW };
    const event = validateEvent(input, options);
    expect(event).toEqual({ time: NOW, actors: [1, 2], text: 'hi' });
    expect(event.actors).not.toBe(input.actors);
  });

  it('actor ids 0 and 2^32-1', () => {
    expect(validateEvent({ actors: [0, MAX_ACTOR_ID], text: '' }, options).actors).toEqual([0, 0xffff_ffff]);
  });

  it('exactly 32 actors', () => {
    const actors = Array.from({ length: 32 }, (_, i) => i);
    expect(validateEvent({ actors, text: 'x' }, options).actors).toEqual(actors);
  });

  it('empty text', () => {
    expect(validateEvent({ actors: [1], text: '' }, options).text).toBe('');
  });

  it('gives an event without time the default time, even outside the window', () => {
    expect(validateEvent({ actors: [1], text: 'x' }, { defaultTime: 5, window: windowed.window }).time).toBe(5);
  });

  it.each([
    ['epoch ms', NOW, NOW],
    ['epoch 0', 0, 0],
    ['the largest time', MAX_TIME_MS, MAX_TIME_MS],
    ['an ISO date', '2026-07-01', Date.UTC(2026, 6, 1)],
    ['ISO with Z', '2026-07-01T12:00:00Z', NOW],
    ['ISO with milliseconds', '2026-07-01T12:00:00.123Z', NOW + 123],
    ['ISO without seconds', '2026-07-01T12:00Z', NOW],
    ['ISO with an offset', '2026-07-01T14:00:00+02:00', NOW],
    ['ISO with a negative offset', '2026-07-01T11:30:00-00:30', NOW],
  ])('time as %s', (_name, time, expected) => {
    expect(validateEvent({ actors: [1], text: 'x', time }, options).time).toBe(expected);
  });

  it('a time at both edges of the skew window', () => {
    expect(validateEvent({ actors: [1], text: 'x', time: NOW - 86_400_000 }, windowed).time).toBe(NOW - 86_400_000);
    expect(validateEvent({ actors: [1], text: 'x', time: NOW + 300_000 }, windowed).time).toBe(NOW + 300_000);
  });

  it('a frame of exactly 64 KiB', () => {
    const text = 'a'.repeat(MAX_FRAME_BYTES - ONE_ACTOR_FRAME_OVERHEAD);
    expect(validateEvent({ actors: [1], text }, options).text).toHaveLength(text.length);
  });

  it('a frame of exactly 64 KiB counted in UTF-8 bytes (3-byte characters)', () => {
    const budget = MAX_FRAME_BYTES - ONE_ACTOR_FRAME_OVERHEAD; // 65521 = 3 * 21840 + 1
    const text = `${'€'.repeat(Math.floor(budget / 3))}${'a'.repeat(budget % 3)}`;
    expect(new TextEncoder().encode(text).length).toBe(budget);
    expect(validateEvent({ actors: [1], text }, options).text).toBe(text);
  });
});

describe('validateEvent rejects', () => {
  it.each([
    ['null', null, 'null'],
    ['an array', [1], 'an array'],
    ['a string', 'x', '"x"'],
    ['a number', 3, 'number 3'],
    ['undefined', undefined, 'undefined undefined'],
  ])('%s that is not an object', (_name, input, described) => {
    expectRejected(input, 'not_an_object', `event must be a JSON object (got ${described})`);
  });

  it('an unknown field', () => {
    expectRejected({ actors: [1], text: 'x', colour: 'red' }, 'unknown_field', 'unknown field "colour" (allowed: actors, text, time)');
  });

  it('a __proto__ key in the JSON input, without polluting Object.prototype', () => {
    const input: unknown = JSON.parse('{"actors":[1],"text":"x","__proto__":{"polluted":true}}');
    expectRejected(input, 'unknown_field', 'unknown field "__proto__" (allowed: actors, text, time)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('missing actors', () => {
    expectRejected({ text: 'x' }, 'actors_missing', 'actors is required: an array of uint32 ids');
  });

  it('empty actors', () => {
    expectRejected({ actors: [], text: 'x' }, 'actors_empty', 'actors must name at least one actor');
  });

  it.each([
    ['a number', 5, 'number 5'],
    ['a string', '1,2', '"1,2"'],
    ['null', null, 'null'],
    ['an object', { 0: 1 }, 'an object'],
  ])('actors that are not an array (%s)', (_name, actors, described) => {
    expectRejected({ actors, text: 'x' }, 'actor_invalid', `actors must be an array of uint32 ids (got ${described})`);
  });

  it('33 actors', () => {
    const actors = Array.from({ length: 33 }, (_, i) => i);
    expectRejected({ actors, text: 'x' }, 'actors_too_many', 'an event may name at most 32 actors (got 33)');
  });

  it.each([
    ['a fraction', 1.5, 'number 1.5'],
    ['negative', -1, 'number -1'],
    ['2^32', 2 ** 32, 'number 4294967296'],
    ['NaN', Number.NaN, 'number NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'number Infinity'],
    ['a numeric string', '7', '"7"'],
    ['null', null, 'null'],
    ['a nested array', [1], 'an array'],
  ])('an actor that is %s', (_name, actor, described) => {
    expectRejected({ actors: [1, actor], text: 'x' }, 'actor_invalid', `actor must be an integer in 0..4294967295 (got ${described})`);
  });

  it('a duplicate actor', () => {
    expectRejected({ actors: [7, 8, 7], text: 'x' }, 'actor_duplicate', 'actor 7 is named twice');
  });

  it.each([
    ['missing', undefined, 'undefined undefined'],
    ['a number', 5, 'number 5'],
    ['null', null, 'null'],
    ['an array', ['x'], 'an array'],
  ])('text that is %s', (_name, text, described) => {
    expectRejected({ actors: [1], text }, 'text_missing', `text is required: a string (got ${described})`);
  });

  it.each([
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed pair', '\udc00\ud800'],
  ])('text with %s', (_name, text) => {
    expectRejected({ actors: [1], text }, 'text_invalid_utf8', 'text is not valid UTF-8 (it holds a lone surrogate)');
  });

  it('a frame one byte over 64 KiB', () => {
    const text = 'a'.repeat(MAX_FRAME_BYTES - ONE_ACTOR_FRAME_OVERHEAD + 1);
    expectRejected({ actors: [1], text }, 'frame_too_large', 'event frame is 65537 bytes, over the 65536-byte limit (text is 65522 bytes)');
  });

  it('a frame over 64 KiB in bytes though under it in UTF-16 units', () => {
    const text = '€'.repeat(21_841); // 21841 code units, 65523 bytes
    expectRejected({ actors: [1], text }, 'frame_too_large', 'event frame is 65538 bytes, over the 65536-byte limit (text is 65523 bytes)');
  });

  it('a frame pushed over 64 KiB by its actors', () => {
    const text = 'a'.repeat(MAX_FRAME_BYTES - ONE_ACTOR_FRAME_OVERHEAD);
    expectRejected(
      { actors: [1, 2], text },
      'frame_too_large',
      'event frame is 65540 bytes, over the 65536-byte limit (text is 65521 bytes)',
    );
  });

  it.each([
    ['NaN', Number.NaN, 'time must be an integer epoch ms in 0..253402300799999 (got NaN)'],
    ['a float', 1.5, 'time must be an integer epoch ms in 0..253402300799999 (got 1.5)'],
    ['negative', -1, 'time must be an integer epoch ms in 0..253402300799999 (got -1)'],
    ['past 9999-12-31', MAX_TIME_MS + 1, 'time must be an integer epoch ms in 0..253402300799999 (got 253402300800000)'],
    ['the end of the Date range', 8.64e15, 'time must be an integer epoch ms in 0..253402300799999 (got 8640000000000000)'],
    [
      'year 10000 as ISO',
      '+010000-01-01T00:00:00Z',
      'time must be epoch milliseconds or an ISO-8601 string (got "+010000-01-01T00:00:00Z")',
    ],
    ['an impossible ISO date', '2026-02-30', 'time must be epoch milliseconds or an ISO-8601 string (got "2026-02-30")'],
    [
      'an impossible ISO date-time',
      '2026-04-31T00:00:00Z',
      'time must be epoch milliseconds or an ISO-8601 string (got "2026-04-31T00:00:00Z")',
    ],
    ['an ISO date with month 13', '2026-13-01', 'time must be epoch milliseconds or an ISO-8601 string (got "2026-13-01")'],
    ['an ISO time with hour 25', '2026-07-01T25:00Z', 'time must be an integer epoch ms in 0..253402300799999 (got 2026-07-01T25:00Z)'],
    ['ISO without a zone', '2026-07-01T12:00:00', 'time must be epoch milliseconds or an ISO-8601 string (got "2026-07-01T12:00:00")'],
    ['a non-ISO date string', 'July 1, 2026', 'time must be epoch milliseconds or an ISO-8601 string (got "July 1, 2026")'],
    ['a numeric string', '1751371200000', 'time must be epoch milliseconds or an ISO-8601 string (got "1751371200000")'],
    ['null', null, 'time must be epoch milliseconds or an ISO-8601 string (got null)'],
    ['a boolean', true, 'time must be epoch milliseconds or an ISO-8601 string (got boolean true)'],
  ])('a time that is %s', (_name, time, message) => {
    expectRejected({ actors: [1], text: 'x', time }, 'time_invalid', message);
  });

  it('a time before the skew window', () => {
    expectRejected(
      { actors: [1], text: 'x', time: NOW - 86_400_001 },
      'time_out_of_window',
      'time 2026-06-30T11:59:59.999Z is outside the accepted window (86400 s before to 300 s after server time 2026-07-01T12:00:00.000Z)',
      windowed,
    );
  });

  it('a time after the skew window', () => {
    expectRejected(
      { actors: [1], text: 'x', time: '2026-07-01T12:05:00.001Z' },
      'time_out_of_window',
      'time 2026-07-01T12:05:00.001Z is outside the accepted window (86400 s before to 300 s after server time 2026-07-01T12:00:00.000Z)',
      windowed,
    );
  });

  it('a time in epoch seconds, which the window would accept in milliseconds', () => {
    expectRejected(
      { actors: [1], text: 'x', time: NOW / 1000 - 60 },
      'time_out_of_window',
      `time ${NOW / 1000 - 60} looks like epoch seconds: times are epoch milliseconds (${NOW - 60_000})`,
      windowed,
    );
    expect(
      rejection(() => validateEvent({ actors: [1], text: 'x', time: new Date(NOW / 1000 - 60).toISOString() }, windowed)).message,
    ).toMatch(/is outside the accepted window/);
  });

  it('checks fields in order: actors before text before size before time', () => {
    expect(rejection(() => validateEvent({ actors: [], text: 5, time: 'x' }, options)).code).toBe('actors_empty');
    expect(rejection(() => validateEvent({ actors: [1], text: 5, time: 'x' }, options)).code).toBe('text_missing');
    expect(rejection(() => validateEvent({ actors: [1], text: 'a'.repeat(70_000), time: 'x' }, options)).code).toBe('frame_too_large');
  });
});

describe('parseTime', () => {
  it('parses epoch ms and ISO strings to the same instant', () => {
    expect(parseTime('2026-07-01T12:00:00.000Z')).toBe(parseTime(NOW));
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, keeping a leading BOM', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]), 'body')).toBe('\ufeffhé');
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated 2-byte sequence', [0x68, 0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xFF', [0xff]],
  ])('rejects %s', (_name, bytes) => {
    const error = rejection(() => decodeUtf8(new Uint8Array(bytes), 'record 3'));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'text_invalid_utf8', message: 'record 3 is not valid UTF-8' });
  });
});
