import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../shared/event/limits';
import { HttpError } from '../../../shared/http/errors';
import { parseBody } from '../../../shared/ingest/parse-body';
import type { IngestRequest } from '../../../shared/ingest/types';

const limits = { maxBodyBytes: 1000, maxEvents: 3 };
const json = (body: string): IngestRequest => ({ body, isBase64Encoded: false });
const ndjson = (body: string): IngestRequest => ({ body, isBase64Encoded: false, contentType: 'application/x-ndjson; charset=utf-8' });
const base64 = (bytes: Uint8Array | string, contentType?: string): IngestRequest => ({
  body: Buffer.from(bytes).toString('base64'),
  isBase64Encoded: true,
  ...(contentType ? { contentType } : {}),
});

function failure(request: IngestRequest, custom = limits): { status: number; code: string; message: string } {
  try {
    parseBody(request, custom);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('parseBody accepted the body');
}

describe('parseBody', () => {
  describe('request forms', () => {
    it('reads one event object as a list of one', () => {
      expect(parseBody(json('{"actors":[1],"text":"a"}'), limits)).toEqual([{ actors: [1], text: 'a' }]);
    });

    it('reads a JSON array in order, leaving each item to validation', () => {
      expect(parseBody(json('[{"text":"a"}, 5, null]'), limits)).toEqual([{ text: 'a' }, 5, null]);
    });

    it('reads NDJSON one event per non-blank line, CRLF or LF, trailing newline allowed', () => {
      const body = '{"text":"a"}\r\n\n  \n[1]\n{"text":"b"}\n';
      expect(parseBody(ndjson(body), limits)).toEqual([{ text: 'a' }, [1], { text: 'b' }]);
    });

    it('reads NDJSON lines as separate JSON only when the Content-Type says so, and names that type', () => {
      const named = {
        status: 400,
        code: 'invalid_json',
        message:
          'request body is not valid JSON: it holds one JSON event per line (NDJSON); send it with Content-Type: application/x-ndjson',
      };
      expect(failure(json('{"text":"a"}\n{"text":"b"}'))).toEqual(named);
      expect(failure({ ...json('  {"text":"a"}\r\n\n{"text":"b"}\n'), contentType: 'application/json' })).toEqual(named);
      expect(failure(json('{"text":"a"} {"text":"b"}'))).toMatchObject({
        message: expect.stringMatching(/^request body is not valid JSON: Unexpected/),
      });
      expect(failure(json('[1]\n{"text":"b"}'))).toMatchObject({
        message: expect.stringMatching(/^request body is not valid JSON: Unexpected/),
      });
    });

    it('decodes a base64 body (a Function URL does so for non-text content types)', () => {
      expect(parseBody(base64('{"text":"é🎲"}'), limits)).toEqual([{ text: 'é🎲' }]);
      expect(parseBody(base64('{"a":1}\n{"b":2}', 'application/x-ndjson'), limits)).toEqual([{ a: 1 }, { b: 2 }]);
    });

    it('keeps a __proto__ key as data for validation to refuse, never as a prototype', () => {
      const [item] = parseBody(json('{"__proto__":{"polluted":true},"text":"a"}'), limits) as object[];
      expect(Object.keys(item as object)).toContain('__proto__');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('bad bodies', () => {
    it.each([
      ['no body', { isBase64Encoded: false }],
      ['an empty body', json('')],
      ['a blank body', json(' \n\t ')],
      ['an empty array', json('[]')],
      ['NDJSON of blank lines', ndjson('\n\n')],
      ['an empty base64 body', base64('')],
    ])('refuses %s with 400 empty_body', (_, request) => {
      expect(failure(request as IngestRequest)).toEqual({
        status: 400,
        code: 'empty_body',
        message: 'request body holds no events: send an event object, a JSON array of events, or NDJSON',
      });
    });

    it('refuses invalid JSON with 400 and the parser position', () => {
      const { status, code, message } = failure(json('{"actors":[1],'));
      expect({ status, code }).toEqual({ status: 400, code: 'invalid_json' });
      expect(message).toMatch(/^request body is not valid JSON: /);
    });

    it('refuses a whole NDJSON body for one invalid line, naming the line', () => {
      const { status, code, message } = failure(ndjson('{"text":"a"}\n\n{"text":'));
      expect({ status, code }).toEqual({ status: 400, code: 'invalid_json' });
      expect(message).toMatch(/^line 3 is not valid JSON: /);
    });

    it.each([
      ['a number', '42', 'number'],
      ['a string', '"hi"', 'string'],
      ['null', 'null', 'null'],
      ['true', 'true', 'boolean'],
    ])('refuses %s as a body with 400 invalid_body', (_, body, type) => {
      expect(failure(json(body))).toEqual({
        status: 400,
        code: 'invalid_body',
        message: `request body must be an event object or an array of events (got ${type})`,
      });
    });

    it('refuses invalid UTF-8 bytes with 400 invalid_utf8', () => {
      const bytes = new Uint8Array([...Buffer.from('{"actors":[1],"text":"'), 0xc3, 0x28, ...Buffer.from('"}')]);
      expect(failure(base64(bytes))).toEqual({ status: 400, code: 'invalid_utf8', message: 'request body is not valid UTF-8' });
      expect(failure(base64(new Uint8Array([0xed, 0xa0, 0x80])))).toMatchObject({ code: 'invalid_utf8' });
    });

    it('refuses a body over the byte limit with 413, text or base64', () => {
      expect(failure(json(`[${'1,'.repeat(500)}1]`))).toEqual({
        status: 413,
        code: 'body_too_large',
        message: 'request body is 1003 bytes, over the 1000-byte limit',
      });
      expect(failure(base64('x'.repeat(1001)))).toMatchObject({ status: 413, code: 'body_too_large' });
      expect(parseBody(base64(`{"text":"${'x'.repeat(989)}"}`), limits)).toHaveLength(1);
    });

    it('counts multi-byte characters in bytes, not characters', () => {
      expect(failure(json(`"${'é'.repeat(500)}"`))).toMatchObject({
        status: 413,
        message: 'request body is 1002 bytes, over the 1000-byte limit',
      });
    });

    it('refuses more events than the limit with 413, array or NDJSON', () => {
      expect(failure(json('[{},{},{},{}]'))).toEqual({
        status: 413,
        code: 'too_many_events',
        message: 'request holds 4 events, over the limit of 3',
      });
      expect(failure(ndjson('{}\n{}\n{}\n{}'))).toMatchObject({ status: 413, code: 'too_many_events' });
      expect(parseBody(json('[{},{},{}]'), limits)).toHaveLength(3);
    });

    it('counts NDJSON lines before splitting or parsing any: 3 million lines are refused without parsing one', () => {
      const body = '{}\n'.repeat(3_000_000);
      const parse = vi.spyOn(JSON, 'parse');
      const split = vi.spyOn(String.prototype, 'split');
      try {
        expect(failure(ndjson(body), { maxBodyBytes: 10_000_000, maxEvents: 10_000 })).toEqual({
          status: 413,
          code: 'too_many_events',
          message: 'request holds 3000000 events, over the limit of 10000',
        });
        expect(parse).not.toHaveBeenCalled();
        expect(split.mock.calls.filter(([separator]) => String(separator) === '\n')).toEqual([]);
      } finally {
        parse.mockRestore();
        split.mockRestore();
      }
    });

    it('counts the items of a JSON array before parsing it', () => {
      const parse = vi.spyOn(JSON, 'parse');
      try {
        expect(failure(json(`[${'{"text":"a,]"},'.repeat(3)}[]]`))).toEqual({
          status: 413,
          code: 'too_many_events',
          message: 'request holds 4 events, over the limit of 3',
        });
        expect(parse).not.toHaveBeenCalled();
      } finally {
        parse.mockRestore();
      }
    });

    it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels before parsing it, body or NDJSON line`, () => {
      const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const parse = vi.spyOn(JSON, 'parse');
      try {
        expect(failure(json(nested(MAX_JSON_DEPTH + 1)))).toEqual({
          status: 400,
          code: 'json_too_deep',
          message: 'request body nests deeper than 8 levels',
        });
        expect(failure(json(nested(400_000)), { maxBodyBytes: 1_000_000, maxEvents: 3 })).toMatchObject({ code: 'json_too_deep' });
        expect(failure(ndjson(`{}\n\n{"text":${nested(MAX_JSON_DEPTH)}}`))).toEqual({
          status: 400,
          code: 'json_too_deep',
          message: 'line 3 nests deeper than 8 levels',
        });
        expect(parse).not.toHaveBeenCalled();
      } finally {
        parse.mockRestore();
      }
      expect(parseBody(json(`{"text":${nested(MAX_JSON_DEPTH - 1)}}`), limits)).toHaveLength(1);
      expect(parseBody(json('["[[[[[[[[[[", {"text":"{{{{{{{{{\\"{{{{"}]'), limits)).toHaveLength(2);
    });

    it('answers any body with a list or an HttpError, never another fault (fuzz)', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')),
          ),
          fc.boolean(),
          fc.boolean(),
          (body, asBase64, asNdjson) => {
            const request: IngestRequest = {
              body: asBase64 ? Buffer.from(body, 'latin1').toString('base64') : body,
              isBase64Encoded: asBase64,
              ...(asNdjson ? { contentType: 'application/x-ndjson' } : {}),
            };
            try {
              expect(Array.isArray(parseBody(request, { maxBodyBytes: 10_000, maxEvents: 100 }))).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(HttpError);
              expect([400, 413]).toContain((error as HttpError).status);
            }
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
