import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import { readCompactMeta } from '../../../shared/compact/read-meta';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { queryAll, queryPage } from '../../support/query-workload';
import type { StoredEvent } from '../../support/seed-chunks';

/** A day compacted in format 1 and swept (test/fixtures/compact-v1/README.md). */
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/compact-v1/day.json', import.meta.url), 'utf8')) as {
  day: number;
  objects: Record<string, string>;
  stored: StoredEvent[];
};

async function stored() {
  const memory = new MemoryS3();
  for (const [key, base64] of Object.entries(fixture.objects)) memory.put(key, Buffer.from(base64, 'base64'));
  const layout = new KeyLayout('golden/');
  const zstd = await loadZstd();
  const s3 = memory.client();
  const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd, dayTtlMs: { open: 0, closed: 0 } });
  return { ctx, layout, zstd, s3, bucket: memory.bucket };
}

describe('a day compacted in format 1 (blocks copied unchanged)', () => {
  const start = fixture.day * DAY_MS;
  const queries = [[1], [2], [3, 4], [5], [6, 1]].flatMap((actors) => [
    { actors, from: start, to: start + DAY_MS - 1, limit: 7 },
    { actors, from: start + DAY_MS - 1, to: start, limit: 5 },
  ]);

  it('is still read: every query pages through exactly the oracle, and a cursor of its first page resumes exactly', async () => {
    const { ctx } = await stored();
    for (const query of queries) {
      const expected = expectedEvents(fixture.stored, query).map((s) => s.event);
      expect(expected.length).toBeGreaterThan(0);
      expect(await queryAll(ctx, query)).toEqual(expected);
      const first = await queryPage(ctx, query);
      expect([...first.events, ...(first.next ? await queryAll(ctx, query, first.next) : [])]).toEqual(expected);
    }
  });

  it('stays as it is: the compactor leaves a committed day of format 1 alone', async () => {
    const { layout, zstd, s3, bucket } = await stored();
    const outcome = await compactDay({ s3, bucket, layout, zstd }, fixture.day, { now: start + 10 * DAY_MS });
    expect(outcome.status).toBe('already-compacted');
    expect((await readCompactMeta(s3, bucket, layout, fixture.day))?.version).toBe(1);
  });
});
