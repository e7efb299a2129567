import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from '../../local/ui/build-page';
import { DAY_MS } from '../../shared/layout/day';
import { type HeadlessChromium, launchChromium } from '../support/browser';
import { useTestStack, waitUntil } from '../support/local-stack';

/**
 * Fixed times keep the screenshot the same from run to run: noon of the year's first day (of the
 * last day of the year before, during the year's first day, when noon may still be ahead).
 */
const now = new Date();
const BASE =
  now.getTime() - Date.UTC(now.getUTCFullYear(), 0, 1) > DAY_MS
    ? Date.UTC(now.getUTCFullYear(), 0, 1, 12)
    : Date.UTC(now.getUTCFullYear() - 1, 11, 31, 12);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const RANGE = { from: iso(BASE - 5 * MINUTE), to: iso(BASE + 45 * MINUTE) };

const PHRASES = ['joined the arena', 'attacked a goblin', 'opened a chest', 'levelled up', 'sent a message', 'left the arena'];

/** Actor 100's story: 120 events, denser early on; every 10th with actor 200, every 7th about a sword. Three more of 200 alone. */
function seedEvents() {
  const events = Array.from({ length: 120 }, (_, i) => ({
    time: BASE + Math.round(40 * MINUTE * (i / 120) ** 1.6) + i,
    actors: [100, ...(i % 10 === 0 ? [200] : []), ...(i % 4 === 1 ? [300 + (i % 3)] : [])],
    text: i % 7 === 0 ? `picked up a Sword (${i})` : `${PHRASES[i % PHRASES.length]} (${i})`,
  }));
  const alone = [1, 2, 3].map((k) => ({ time: BASE + k * 10 * MINUTE + 7, actors: [200], text: `traded with a merchant (${k})` }));
  return [...events, ...alone];
}

describe('the explorer page in Chromium, against the local stack', () => {
  // Events a year old are accepted: the ingest's past skew is widened for the seeded times.
  // Seeded events lie in past days: the skew window admits them, and the days stay open as long.
  const local = useTestStack({ env: { TALES_SKEW_PAST_MS: String(366 * DAY_MS), TALES_CLOSE_AFTER_MS: String(366 * DAY_MS) } });
  let chromium: HeadlessChromium;
  let page: Page;

  beforeAll(async () => {
    await buildPage();
    const response = await fetch(`${local.stack.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seedEvents()),
    });
    expect(await response.json()).toEqual({ accepted: 123 });
    const visible = async () => {
      const answer = await fetch(`${local.stack.url}/events/counts?actors=100&from=${RANGE.from}&to=${RANGE.to}&buckets=1`);
      return ((await answer.json()) as { counts: number[] }).counts[0] === 120;
    };
    await waitUntil('the seeded events', visible);
    chromium = await launchChromium();
    page = await chromium.context.newPage();
  });
  afterAll(() => chromium?.close());

  const listed = () => page.locator('#events li');
  const texts = () => page.locator('#events li .text').allTextContents();
  const ready = () => page.waitForSelector('body[data-status="ready"], body[data-status="error"]');
  const histogramTotal = () =>
    page.evaluate<number>("[...document.querySelectorAll('#histogram button')].reduce((sum, bar) => sum + Number(bar.dataset.count), 0)");
  /** Marks the page busy, so that ready() waits for the load that the next action starts. */
  const busy = () => page.evaluate("document.body.dataset.status = 'busy'");

  async function search(actors: string, contains = '') {
    await page.getByLabel('Actors', { exact: true }).fill(actors);
    await page.getByLabel('Text contains').fill(contains);
    await page.getByLabel('From', { exact: true }).fill(RANGE.from);
    await page.getByLabel('To', { exact: true }).fill(RANGE.to);
    await busy();
    await page.getByRole('button', { name: 'Search' }).click();
    await ready();
  }

  it('searches one actor, then two (AND), keeping the view in the URL; the screenshot is of the first', async () => {
    await page.goto(`${local.stack.url}/`);
    await expect(page.getByRole('heading', { name: 'Tales explorer' }).isVisible()).resolves.toBe(true);
    await search('100');
    expect(await listed().count()).toBe(50);
    expect(await page.locator('#total').textContent()).toBe('(120 events)');
    expect(await page.locator('#events li time').first().textContent()).toBe(
      iso(BASE + Math.round(40 * MINUTE * (119 / 120) ** 1.6) + 119),
    );
    expect(new URL(page.url()).searchParams.get('actors')).toBe('100');
    await page.screenshot({ path: 'docs/explorer.png' });

    await search('100, 200');
    expect(await texts()).toEqual(
      Array.from({ length: 12 }, (_, k) => 110 - 10 * k).map((i) =>
        i % 7 === 0 ? `picked up a Sword (${i})` : `${PHRASES[i % PHRASES.length]} (${i})`,
      ),
    );
    const url = new URL(page.url());
    expect([url.searchParams.get('actors'), url.searchParams.get('from'), url.searchParams.get('to')]).toEqual([
      '100,200',
      RANGE.from,
      RANGE.to,
    ]);
    // The URL alone brings the same view back.
    await page.goto(url.href);
    await ready();
    expect(await listed().count()).toBe(12);
  });

  it("shows a histogram whose bars add up to the listed events' count, and a bar click narrows the range to it", async () => {
    await search('100,200');
    expect(await histogramTotal()).toBe(12);
    expect(await listed().count()).toBe(12);
    const bar = page.locator('#histogram button:not([data-count="0"])').first();
    const count = Number(await bar.getAttribute('data-count'));
    await busy();
    await bar.focus();
    await page.keyboard.press('Enter');
    await ready();
    expect(await listed().count()).toBe(count);
    expect(await histogramTotal()).toBe(count);
    expect(new URL(page.url()).searchParams.get('from')).not.toBe(RANGE.from);
  });

  it('loads more on the cursor until every event is listed, newest first', async () => {
    await search('100');
    const more = page.getByRole('button', { name: 'Load more' });
    await more.click();
    await expect.poll(() => listed().count()).toBe(100);
    await more.click();
    await expect.poll(() => listed().count()).toBe(120);
    expect(await more.isHidden()).toBe(true);
    const times = await page.locator('#events li time').allTextContents();
    expect(times).toEqual([...times].sort().reverse());
    expect(await histogramTotal()).toBe(120);
  });

  it("pivots to an event's actor through its link", async () => {
    await search('100,200');
    await busy();
    await page.locator('#events li').first().getByRole('link', { name: 'show actor 200' }).click();
    await ready();
    expect(new URL(page.url()).searchParams.get('actors')).toBe('200');
    expect(await page.getByLabel('Actors', { exact: true }).inputValue()).toBe('200');
    expect(await listed().count()).toBe(15);
    expect((await texts()).filter((text) => text.startsWith('traded with a merchant'))).toHaveLength(3);
  });

  it('filters by text, ignoring case', async () => {
    await search('100', 'SWORD');
    const swords = Array.from({ length: 18 }, (_, k) => 119 - 7 * k).map((i) => `picked up a Sword (${i})`);
    expect(await texts()).toEqual(swords);
    expect(await histogramTotal()).toBe(18);
    expect(new URL(page.url()).searchParams.get('contains')).toBe('SWORD');
  });

  it('follows: an event posted after the page opened shows up at the top', async () => {
    await page.goto(`${local.stack.url}/?actors=555&range=1h`);
    await ready();
    expect(await listed().count()).toBe(0);
    await page.getByLabel('Follow new events').check();
    expect(new URL(page.url()).searchParams.get('follow')).toBe('1');
    const response = await fetch(`${local.stack.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actors: [555], text: 'arrived while watching' }),
    });
    expect(response.status).toBe(202);
    await page.locator('#events li', { hasText: 'arrived while watching' }).waitFor({ timeout: 45_000 });
    expect(await texts()).toEqual(['arrived while watching']);
  });

  it("shows the API's message for a bad actor id", async () => {
    await search('12x');
    expect(await page.getByRole('alert').textContent()).toBe('actor must be an integer in 0..4294967295 (got "12x")');
    expect(await listed().count()).toBe(0);
  });
});
