import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/layout/day';
import { parseCountsRequest } from '../../../shared/query/counts-request';
import { QueryInputError } from '../../../shared/query/errors';
import type { QueryParameters } from '../../../shared/query/request';

const NOW = Date.UTC(2026, 6, 3, 12);
const parse = (params: QueryParameters) => parseCountsRequest(params, { now: NOW, maxSpanDays: 366 });

function rejection(params: QueryParameters): { code: string; message: string } {
  try {
    parse(params);
  } catch (error) {
    if (error instanceof QueryInputError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a QueryInputError');
}

describe('parseCountsRequest', () => {
  it('reads actors, bounds and buckets as /events does, 60 buckets over the last 24 hours by default', () => {
    expect(parse({ actors: '7,3' })).toEqual({ actors: [7, 3], from: NOW - DAY_MS, to: NOW, buckets: 60 });
    expect(parse({ actors: '1', from: '2026-07-02', to: '2026-07-01', buckets: '1000', contains: 'Hit' })).toEqual({
      actors: [1],
      from: Date.UTC(2026, 6, 2),
      to: Date.UTC(2026, 6, 1),
      buckets: 1000,
      contains: 'Hit',
    });
    expect(parse({ actors: '1', buckets: '1' }).buckets).toBe(1);
  });

  const cases: [string, QueryParameters, string, string][] = [
    ['missing actors', {}, 'actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890'],
    ['a duplicate actor', { actors: '5,5' }, 'actor_duplicate', 'actor 5 is named twice'],
    [
      'an invalid from',
      { actors: '1', from: 'noon' },
      'time_invalid',
      'from: "noon" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'a span over the maximum',
      { actors: '1', from: '2025-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' },
      'span_too_large',
      'from..to spans 546.0 days, over the maximum of 366 days',
    ],
    ['buckets 0', { actors: '1', buckets: '0' }, 'buckets_invalid', 'buckets must be an integer in 1..1000 (got "0")'],
    ['buckets 1001', { actors: '1', buckets: '1001' }, 'buckets_invalid', 'buckets must be an integer in 1..1000 (got "1001")'],
    ['fractional buckets', { actors: '1', buckets: '2.5' }, 'buckets_invalid', 'buckets must be an integer in 1..1000 (got "2.5")'],
    [
      'a limit',
      { actors: '1', limit: '5' },
      'parameter_unknown',
      'unknown parameter "limit" (allowed: actors, from, to, buckets, contains)',
    ],
  ];
  it.each(cases)('refuses %s', (_name, params, code, message) => {
    expect(rejection(params)).toEqual({ code, message });
  });
});
