import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import type { TalesEvent } from '../../shared/event/types';
import { startTestStack, tempDataDir, waitUntil } from '../support/local-stack';
import { postEvents, queryAll } from './http-client';
import { generateWorkload, matching, random } from './workload';

const SEED = 20260701;
const COUNT = 3000;

/** Sorted by text (unique per event), for comparing answers as multisets. */
const byText = (events: readonly TalesEvent[]) =>
  [...events].map((e) => ({ ...e, actors: [...e.actors].sort((a, b) => a - b) })).sort((a, b) => (a.text < b.text ? -1 : 1));

describe('the local stack, end to end through HTTP', () => {
  const data = tempDataDir();
  const workload = generateWorkload(SEED, COUNT, Date.now());
  const all = { actors: [workload.world], from: workload.from, to: workload.to };
  let stack: LocalStack;
  let stored: TalesEvent[];

  /** Checks one query against the oracle: same events, ordered by time in the query's direction, each once. */
  async function check(actors: number[], from: number, to: number): Promise<TalesEvent[]> {
    const { events } = await queryAll(stack.url, { actors, from, to });
    expect(byText(events), `actors ${actors} from ${from} to ${to}`).toEqual(byText(matching(workload.events, actors, from, to)));
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1] as TalesEvent, events[i] as TalesEvent];
      expect(from <= to ? a.time <= b.time : a.time >= b.time).toBe(true);
    }
    return events;
  }

  beforeAll(async () => {
    stack = await startTestStack(data.dir, { shards: 2 });
    const { events } = workload;
    for (let at = 0, n = 0; at < events.length; at += 250, n++) {
      const batch = events.slice(at, at + 250);
      const [body, type] =
        n % 2 === 0
          ? [JSON.stringify(batch), 'application/json']
          : [batch.map((e) => JSON.stringify(e)).join('\n'), 'application/x-ndjson'];
      const answer = await postEvents(stack.url, body, type);
      expect(answer).toEqual({ status: 202, body: { accepted: batch.length } });
    }
    await waitUntil('the consumer to write the workload', async () => (await queryAll(stack.url, all)).events.length >= COUNT);
    stored = (await queryAll(stack.url, all)).events;
  });

  afterAll(async () => {
    await stack?.stop();
    data.remove();
  });

  it('runs two shards, and stores every event once', () => {
    expect(stack.shards).toBe(2);
    expect(stored).toHaveLength(COUNT);
    expect(byText(stored)).toEqual(byText(workload.events));
  });

  it('answers every single-actor query as the oracle, ascending and descending (the exact reverse)', async () => {
    for (const actor of workload.actors) {
      const up = await check([actor], workload.from, workload.to);
      const down = await check([actor], workload.to, workload.from);
      expect(down).toEqual([...up].reverse());
    }
  });

  it('answers pairs (AND) and random sub-ranges in both directions as the oracle', async () => {
    const next = random(SEED + 1);
    const pick = () => workload.actors[Math.floor(next() * workload.actors.length)] as number;
    for (let i = 0; i < 40; i++) {
      // Half the pairs come from a stored event, so most are not empty.
      const event = workload.events[Math.floor(next() * COUNT)] as TalesEvent;
      const pair = i % 2 === 0 ? event.actors.filter((a) => a !== workload.world).slice(0, 2) : [pick(), pick()];
      const actors = [...new Set(pair)];
      const a = workload.from + Math.floor(next() * (workload.to - workload.from));
      const b = workload.from + Math.floor(next() * (workload.to - workload.from));
      await check(actors, workload.from, workload.to);
      await check(actors, a, b);
      await check([...actors, workload.world], b, a);
    }
  });

  it('pages with cursors to exactly the one-page answer, in both directions', async () => {
    const next = random(SEED + 2);
    for (const actors of [[workload.world], [12_345], [4_294_967_295], [0, workload.world]]) {
      for (const [from, to] of [
        [workload.from, workload.to],
        [workload.to, workload.from],
      ] as const) {
        const limit = 1 + Math.floor(next() * 40);
        const whole = await queryAll(stack.url, { actors, from, to });
        const paged = await queryAll(stack.url, { actors, from, to }, actors[0] === workload.world ? 250 : limit);
        expect(paged.events).toEqual(whole.events);
        expect(paged.pages).toBeGreaterThan(1);
      }
    }
  });

  it('answers other routes with 404 and other methods with 405, and GET /health', async () => {
    const health = await fetch(`${stack.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
    const missing = await fetch(`${stack.url}/nope`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: { code: 'not_found', message: 'no route GET /nope' } }]);
    const put = await fetch(`${stack.url}/events`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow'), await put.json()]).toEqual([
      405,
      'POST, GET',
      { error: { code: 'method_not_allowed', message: 'PUT is not allowed on /events (allowed: POST, GET)' } },
    ]);
    const bad = await fetch(`${stack.url}/events?actors=x`);
    expect(bad.status).toBe(400);
  });

  it('keeps the data across a restart, and processes nothing twice', async () => {
    await stack.stop();
    stack = await startTestStack(data.dir, { shards: 2 });
    const after = (await queryAll(stack.url, all)).events;
    expect(after).toEqual(stored);

    const extra = Array.from({ length: 20 }, (_, i) => ({
      time: Date.now() - 1000,
      actors: [workload.world, 99],
      text: `after restart ${i}`,
    }));
    expect((await postEvents(stack.url, JSON.stringify(extra))).status).toBe(202);
    const range = { actors: [workload.world], from: workload.from, to: Date.now() };
    await waitUntil('the consumer to write the new events', async () => (await queryAll(stack.url, range)).events.length >= COUNT + 20);
    const everything = (await queryAll(stack.url, range)).events;
    expect(everything).toHaveLength(COUNT + 20);
    expect(new Set(everything.map((e) => e.text)).size).toBe(COUNT + 20);
    // Only the new records reached the consumer: the checkpoints held across the restart.
    expect(stack.stats.records).toBe(20);
  });
});
