import { describe, expect, it } from 'vitest';
import { dayName, dayNumber } from '../../../shared/layout/day';
import { talesAgainst, useTestStack, waitUntil } from '../../support/local-stack';

describe('tales erase against a running local stack', () => {
  const local = useTestStack();
  const now = Date.now();
  const tales = talesAgainst(local, now);

  it('erases an actor: its events, those shared with others too, are gone from queries when the command returns', async () => {
    expect((await tales(['log', 'Alice joined', '-a', '701', '-t', String(now - 3000)])).code).toBe(0);
    expect((await tales(['log', 'Alice messaged Bob', '-a', '701', '-a', '702', '-t', String(now - 2000)])).code).toBe(0);
    expect((await tales(['log', 'Bob left', '-a', '702', '-t', String(now - 1000)])).code).toBe(0);
    await waitUntil('the three events', async () => (await tales(['query', '-a', '702', '--json'])).out.split('\n').length === 3);

    const erased = await tales(['erase', '--actor', '701', '--json']);
    expect(erased.code).toBe(0);
    const erasure = JSON.parse(erased.out);
    expect(erasure).toMatchObject({ actor: 701, status: 'hidden', days: null, principal: 'unsigned' });
    expect(await tales(['query', '-a', '701'])).toEqual({ code: 0, out: '', err: 'no events\n' });
    expect((await tales(['query', '-a', '702', '--json'])).out).toBe(
      `${JSON.stringify({ time: now - 1000, actors: [702], text: 'Bob left' })}\n`,
    );

    expect((await tales(['erase', '--actor', '701', '--json'])).out).toBe(erased.out);
    expect(await tales(['erase', '--status', erasure.id])).toEqual({
      code: 0,
      out: `erasure ${erasure.id}: actor 701 hidden\n  requested ${erasure.requestedAt} by unsigned\n  days still holding data: not yet scanned\n`,
      err: '',
    });

    // Forcing the day's compaction purges it at once: it drops both events naming actor 701 (the writer chunks
    // still hold them until the grace period ends).
    const today = dayName(dayNumber(now - 3000));
    const compacted = await tales(['compact', '--day', today, '--force']);
    expect(compacted.code).toBe(0);
    expect(compacted.out).toMatch(
      new RegExp(
        `^${today}: compacted 1 events from \\d+ chunks, dropping 2 of erased actors\n${today}: purged 0 erased events; 1 erased actors still held until the grace period \\(TALES_GRACE_MS\\) ends\n$`,
      ),
    );
    expect((await tales(['query', '-a', '702', '--json'])).out).toBe(
      `${JSON.stringify({ time: now - 1000, actors: [702], text: 'Bob left' })}\n`,
    );
  });

  it('reports bad input and unknown erasures', async () => {
    expect(await tales(['erase'])).toMatchObject({ code: 1, err: 'tales: erase needs exactly one of --actor ID or --status ERASURE-ID\n' });
    expect((await tales(['erase', '--actor', '4294967296'])).err).toContain('actor must be an integer in 0..4294967295');
    expect(await tales(['erase', '--status', 'f'.repeat(32)])).toEqual({
      code: 1,
      out: '',
      err: `tales: the query endpoint answered 404 erasure_not_found: no erasure with id "${'f'.repeat(32)}"\n`,
    });
  });
});
