/**
 * POST→visible in local mode: the stack as `npm start` runs it (kinesalite and s3rver in process, the
 * ingest and query handlers behind its HTTP server, the poller feeding the consumer, the merger on its
 * schedule), once per setup. Events are POSTed one per request at a steady rate, each with a unique
 * text, a known actor and a first actor that spreads them over the shards, while a reader polls the
 * query API for the known actor; per event, the time from its POST's 202 to the first poll answer that
 * holds it. Env: FRESHNESS_EVENTS (1000), FRESHNESS_POLL_MS (100), FRESHNESS_SETUPS (e.g. "1000,60000:5000":
 * batching windows in ms, each optionally with the query's open-day cache in ms after a colon).
 */
import { LOCAL_DEFAULTS } from '../local/config';
import { type LocalStack, startLocalStack } from '../local/stack';
import { postEvents, queryAll } from '../test/local/http-client';
import { tempDataDir } from '../test/support/local-stack';
import type { BenchTable } from './table';

/** The actor every bench event names, and the first actors (partition keys) that spread them over the shards. */
const KNOWN_ACTOR = 424_242;
const SPREAD_ACTORS = 16;
const DEFAULT_SETUPS = '1000,1000:5000,200,60000,60000:5000';

interface Setup {
  readonly windowMs: number;
  /** The query's open-day cache (TALES_OPEN_DAY_CACHE_MS); undefined: the local stack's default. */
  readonly openDayCacheMs: number | undefined;
}

interface Sent {
  readonly text: string;
  /** When the POST was sent: no event of it is older. */
  readonly sentAt: number;
  /** When its 202 arrived. */
  acceptedAt?: number;
  visibleAt?: number;
}

function setupsOf(text: string): Setup[] {
  return text.split(',').map((part) => {
    const [window, cache] = part.split(':').map(Number);
    if (!Number.isInteger(window) || (cache !== undefined && !Number.isInteger(cache)))
      throw new Error(`FRESHNESS_SETUPS must be windows in ms, each optionally ":<open-day cache ms>" (given "${part}")`);
    return { windowMs: window as number, openDayCacheMs: cache };
  });
}

/**
 * Polls from the oldest event not seen yet until the writer is done and every event has been seen;
 * returns the number of polls. Gives up `graceMs` after the writer is done.
 */
async function watch(
  url: string,
  sent: readonly Sent[],
  byText: Map<string, Sent>,
  pollMs: number,
  writerDone: () => number | undefined,
  graceMs: number,
) {
  let polls = 0;
  let first = 0;
  for (;;) {
    while (sent[first]?.visibleAt !== undefined) first++;
    const oldest = sent[first];
    const doneAt = writerDone();
    if (doneAt !== undefined && !oldest) return polls;
    if (doneAt !== undefined && performance.now() > doneAt + graceMs)
      throw new Error(`${sent.length - first} events are still not visible ${graceMs} ms after the last POST`);
    if (oldest) {
      const { events } = await queryAll(url, { actors: [KNOWN_ACTOR], from: oldest.sentAt, to: Date.now() });
      const now = performance.now();
      polls++;
      for (const event of events) {
        const entry = byText.get(event.text);
        if (entry && entry.visibleAt === undefined && entry.acceptedAt !== undefined) entry.visibleAt = now;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function run(setup: Setup, count: number, pollMs: number) {
  const data = tempDataDir();
  const stack: LocalStack = await startLocalStack({
    ...LOCAL_DEFAULTS,
    port: 0,
    dataDir: data.dir,
    logLevel: 'SILENT',
    batchWindowMs: setup.windowMs,
    openDayCacheMs: setup.openDayCacheMs ?? LOCAL_DEFAULTS.openDayCacheMs,
  });
  try {
    // Two and a half windows at least, so that events land at every point of a window.
    const spanMs = Math.max(30_000, 2.5 * setup.windowMs);
    const gapMs = spanMs / count;
    const run = `${process.pid}-${setup.windowMs}-${Date.now()}`;
    const sent: Sent[] = [];
    const byText = new Map<string, Sent>();
    const clock = Date.now() - performance.now();
    let writerDoneAt: number | undefined;
    const watcher = watch(stack.url, sent, byText, pollMs, () => writerDoneAt, setup.windowMs + 60_000);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = started + i * gapMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const entry: Sent = { text: `freshness ${run} ${i}`, sentAt: Math.floor(clock + performance.now()) };
      sent.push(entry);
      byText.set(entry.text, entry);
      const answer = await postEvents(stack.url, JSON.stringify({ actors: [1_000 + (i % SPREAD_ACTORS), KNOWN_ACTOR], text: entry.text }));
      if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      entry.acceptedAt = performance.now();
    }
    writerDoneAt = performance.now();
    const polls = await watcher;
    const lags = sent.map((s) => (s.visibleAt as number) - (s.acceptedAt as number)).sort((a, b) => a - b);
    const at = (q: number) => (lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] as number) / 1000;
    return {
      spanS: spanMs / 1000,
      p50: at(0.5),
      p99: at(0.99),
      max: at(1),
      min: at(0),
      batches: stack.stats.batches,
      polls,
      shards: stack.shards,
    };
  } finally {
    await stack.stop();
    data.remove();
  }
}

export async function benchFreshness(): Promise<BenchTable[]> {
  const count = Number(process.env.FRESHNESS_EVENTS ?? 1000);
  const pollMs = Number(process.env.FRESHNESS_POLL_MS ?? 100);
  const rows: (string | number)[][] = [];
  for (const setup of setupsOf(process.env.FRESHNESS_SETUPS ?? DEFAULT_SETUPS)) {
    const result = await run(setup, count, pollMs);
    const cache = setup.openDayCacheMs === undefined ? 'local default' : `${setup.openDayCacheMs / 1000} s`;
    rows.push([
      `${setup.windowMs / 1000} s`,
      cache,
      count,
      result.spanS,
      result.min,
      result.p50,
      result.p99,
      result.max,
      result.batches,
      result.polls,
    ]);
    console.error(`freshness ${setup.windowMs} ms window, cache ${cache}: ${rows.at(-1)?.join(' | ')}`);
  }
  return [
    {
      title: `Freshness in local mode: POST (202) → visible in a query, ${count.toLocaleString('en-US')} events per setup`,
      columns: [
        'batching window',
        'open-day cache',
        'events',
        'POSTed over s',
        'min s',
        'p50 s',
        'p99 s',
        'max s',
        'consumer batches',
        'polls',
      ],
      rows,
      notes: [
        `One event per POST at a steady rate over the span, first actors spread over ${SPREAD_ACTORS} partition keys (${LOCAL_DEFAULTS.shards} shards); a reader polls GET /events for their common actor every ${pollMs} ms (plus the query's own time), so the figures carry up to that much of resolution.`,
        "open-day cache: how long a warm query reuses an open day's writer list and manifests (TALES_OPEN_DAY_CACHE_MS).",
      ],
    },
  ];
}
