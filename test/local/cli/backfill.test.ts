import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/main';
import { DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { runCaptured } from '../../support/cli-io';
import { useTestStack, waitUntil } from '../../support/local-stack';

const now = Date.now();
/** History a month old: outside the default 24 h skew window. */
const start = now - 30 * DAY_MS;
const lines = Array.from({ length: 50 }, (_, i) =>
  JSON.stringify({ actors: [901, 902 + (i % 2)], text: `old ${i}`, time: start + i * 1000 }),
);

function talesOn(local: { dir: string; stack: { url: string } }) {
  return (args: string[]) =>
    runCaptured((io) => runCli(args, io), {
      env: { TALES_URL: local.stack.url, TALES_DATA_DIR: local.dir },
      cwd: local.dir,
      signal: new AbortController().signal,
    });
}

describe('backfill: importing history older than the ingest skew window', () => {
  describe('with the default window', () => {
    const local = useTestStack();
    it('refuses the old events, and says where the backfill path is', async () => {
      await writeFile(join(local.dir, 'history.ndjson'), `${lines.slice(0, 1).join('\n')}\n`);
      const run = await talesOn(local)(['import', 'history.ndjson']);
      expect(run.code).toBe(1);
      expect(run.out.split('\n')).toEqual([
        'imported history.ndjson: 0 accepted, 1 failed',
        expect.stringMatching(/^ {2}line 1: time_out_of_window: time \S+ is outside the accepted window \(86400 s before/),
        '  events older than the ingest skew window need a backfill: see docs/local.md, "Importing and backfilling"',
        '',
      ]);
    });
  });

  describe('with the window widened for the backfill (TALES_SKEW_PAST_MS, TALES_CLOSE_AFTER_MS)', () => {
    const window = 40 * DAY_MS;
    const local = useTestStack({ env: { TALES_SKEW_PAST_MS: String(window), TALES_CLOSE_AFTER_MS: String(window + 2 * 3_600_000) } });

    it('accepts the old events, which queries then read, before and after the day is compacted', async () => {
      const tales = talesOn(local);
      await writeFile(join(local.dir, 'history.ndjson'), `${lines.join('\n')}\n`);
      expect(await tales(['import', 'history.ndjson'])).toEqual({
        code: 0,
        out: 'imported history.ndjson: 50 accepted, 0 failed\n',
        err: '',
      });
      const query = ['query', '--actor', '901', '--from', String(start - 1000), '--to', String(start + DAY_MS), '--limit', '100', '--json'];
      await waitUntil('the backfilled events', async () => (await tales(query)).out.split('\n').length === 51);
      const before = (await tales(query)).out;
      expect(
        before
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).text),
      ).toEqual(lines.map((l) => JSON.parse(l).text));

      const day = dayName(dayNumber(start));
      const days = [...new Set(lines.map((l) => dayName(dayNumber(JSON.parse(l).time))))];
      for (const d of days) expect((await tales(['compact', '--day', d, '--force'])).code).toBe(0);
      expect(days).toContain(day);
      expect((await tales(query)).out).toBe(before);
    });
  });
});
