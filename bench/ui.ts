/**
 * The explorer page: the size of what the browser downloads (raw and gzip), and in headless Chromium
 * against the local stack, the time to first contentful paint of the empty page and the time until an
 * actor's view (counts, histogram, first 50 of 1,000 events) is drawn, from navigation start.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildPage } from '../local/ui/build-page';
import { PAGE_DIST_DIR } from '../local/ui/page-files';
import { launchChromium } from '../test/support/browser';
import { startTestStack, tempDataDir, waitUntil } from '../test/support/local-stack';
import { type BenchTable, percentiles } from './table';

const RUNS = 15;

export async function benchUi(): Promise<BenchTable[]> {
  const sizes = await buildPage();
  const sizeRows: (string | number)[][] = [];
  for (const file of Object.keys(sizes)) {
    const bytes = await readFile(join(PAGE_DIST_DIR, file));
    sizeRows.push([file, bytes.length, gzipSync(bytes).length]);
  }
  sizeRows.push(['total', ...[1, 2].map((col) => sizeRows.reduce((sum, row) => sum + (row[col] as number), 0))]);

  const data = tempDataDir();
  const stack = await startTestStack(data.dir);
  const chromium = await launchChromium();
  try {
    const now = Date.now();
    const events = Array.from({ length: 1000 }, (_, i) => ({ time: now - 3_000_000 + i * 2000, actors: [42], text: `event ${i}` }));
    const posted = await fetch(`${stack.url}/events`, { method: 'POST', body: JSON.stringify(events) });
    if (posted.status !== 202) throw new Error(`seeding answered ${posted.status}: ${await posted.text()}`);
    const visible = async () => {
      const answer = (await (await fetch(`${stack.url}/events/counts?actors=42&buckets=1`)).json()) as { counts: number[] };
      return answer.counts[0] === 1000;
    };
    await waitUntil('the events', visible, 180_000);
    const paint: number[] = [];
    const view: number[] = [];
    const floor: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const page = await chromium.context.newPage();
      await page.goto('data:text/html,<p>Tales</p>');
      await page.waitForFunction("performance.getEntriesByName('first-contentful-paint').length > 0");
      const bare = await page.evaluate<number>("performance.getEntriesByName('first-contentful-paint')[0].startTime");
      await page.goto(`${stack.url}/`);
      await page.waitForSelector('body[data-status="idle"]');
      const fcp = await page.evaluate<number>("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN");
      await page.goto(`${stack.url}/?actors=42&range=1h`);
      await page.waitForSelector('body[data-status="ready"]');
      const ready = await page.evaluate<number>('performance.now()');
      await page.close();
      // The first run warms the server's caches and the browser's; it is left out.
      if (r > 0) {
        floor.push(bare);
        paint.push(fcp);
        view.push(ready);
      }
    }
    const rows = [
      ["first contentful paint, a one-line data: page (this machine's floor)", ...Object.values(percentiles(floor))],
      ['first contentful paint, empty page', ...Object.values(percentiles(paint))],
      ['actor view drawn (counts + 50 of 1,000 events)', ...Object.values(percentiles(view))],
    ];
    return [
      { title: 'Explorer page: what the browser downloads (esbuild, minified)', columns: ['file', 'bytes', 'gzip bytes'], rows: sizeRows },
      {
        title: `Explorer page: time to first render (headless Chromium, local stack, ${RUNS} runs)`,
        columns: ['milestone', 'p50 ms', 'p95 ms'],
        rows,
        notes: ['From navigation start; the local stack answers uncompressed over loopback. The actor view includes its two API calls.'],
      },
    ];
  } finally {
    await chromium.close();
    await stack.stop();
    data.remove();
  }
}
