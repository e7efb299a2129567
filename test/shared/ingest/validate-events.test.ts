import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../../shared/ingest/validate-events';

describe('validateEvents', () => {
  it('keeps valid events with their request index and fails each invalid one alone', () => {
    const { valid, invalid } = validateEvents(
      [{ actors: [1], text: 'a' }, { actors: [], text: 'b' }, 7, { actors: [2], text: 'c', time: 5 }],
      {
        defaultTime: 100,
      },
    );
    expect(valid).toEqual([
      { index: 0, event: { time: 100, actors: [1], text: 'a' } },
      { index: 3, event: { time: 5, actors: [2], text: 'c' } },
    ]);
    expect(invalid).toEqual([
      { index: 1, code: 'actors_empty', message: 'actors must name at least one actor' },
      { index: 2, code: 'not_an_object', message: 'event must be a JSON object (got number 7)' },
    ]);
  });
});
