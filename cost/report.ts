import type { MonthlyCost, Workload } from './model';

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;
const qty = (n: number) => (n < 100 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US'));

/** Markdown: for each workload, each design's priced lines and its total. */
export function costReport(runs: readonly { workload: Workload; months: readonly MonthlyCost[] }[]): string {
  const out = [
    '# Costs',
    '',
    '`npm run cost -- --events-per-day N --shards S --queries-per-day Q` prints one month (30 days) of a workload;',
    '`npm run cost -- --docs` writes this page. Prices: us-east-1 list prices, named with their source in',
    '`cost/prices.ts`; request counts, bytes and handler times per event and per query: the bench (`cost/measured.ts`,',
    'docs/benchmarks.md). A query is "the newest 50 events of one actor over the last day" (`--query-days D`: over D days,',
    "each read: today and yesterday are open, merged days, older ones compacted). Storage is the month's events;",
    'each month kept adds as much again. Producers write to the stream with the SDK (the ingest Function URL would add',
    'one Lambda request per POST). Not priced: CloudWatch logs and alarms, data transfer out, KMS with a customer key,',
    'and the default on-demand stream (billed per stream-hour and per GB instead of per shard-hour: see the Kinesis pricing page).',
    '`cost/prices.ts` says for each price whether a check on 2026-11-30 could confirm it (the Kinesis and Firehose amounts',
    'and DynamoDB storage could not).',
    'Tales runs as deployed by default: the consumer batches each shard every 60 s (at most 10,000 records) and keeps its',
    'manifest cached (two PUTs a batch, one GET a writer-day); the merger runs every 5 minutes whatever the traffic',
    '(8,640 runs a month); the compactor daily. Queries are priced cold: each reads its days anew (a warm query within',
    "seconds of another reads fewer). A query's requests grow with the shards on its open days (a writer manifest and",
    'the newest blocks of each), not on compacted ones.',
    'Firehose is priced as events are sent, one record each; producers that pack ~50 events into each 5 KB record',
    'divide its ingestion and conversion lines by ~50. Athena scans the whole day partitions of a query (no actor index).',
    '',
  ];
  for (const { workload: w, months } of runs) {
    out.push(
      `## ${w.eventsPerDay.toLocaleString('en-US')} events/day, ${w.shards} shard${w.shards === 1 ? '' : 's'}, ${w.queriesPerDay.toLocaleString('en-US')} queries/day${(w.queryDays ?? 1) > 1 ? ` over ${w.queryDays} days` : ''}`,
      '',
    );
    out.push('| design | total per month |', '|---|---|');
    for (const m of months) out.push(`| ${m.design} | ${usd(m.totalUsd)} |`);
    out.push('');
    for (const m of months) {
      out.push(`#### ${m.design}`, '', '| item | quantity | unit | USD |', '|---|---|---|---|');
      for (const l of m.lines) out.push(`| ${l.item} | ${qty(l.quantity)} | ${l.unit} | ${usd(l.usd)} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
