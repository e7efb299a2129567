import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dynamoMonth, firehoseAthenaMonth, type MonthlyCost, talesMonth, type Workload } from './model';
import { PRICES } from './prices';
import { costReport } from './report';

/**
 * `npm run cost -- --events-per-day N --shards S --queries-per-day Q [--query-days D]` prints a month of Tales beside Firehose →
 * Parquet → Athena and DynamoDB for the same workload; `npm run cost -- --docs` writes docs/costs.md for 1, 16 and
 * 256 shards, and 16 shards with queries over 7 days.
 */
const { values } = parseArgs({
  options: {
    'events-per-day': { type: 'string', default: '10000000' },
    shards: { type: 'string', default: '1' },
    'queries-per-day': { type: 'string', default: '10000' },
    'query-days': { type: 'string', default: '1' },
    docs: { type: 'boolean', default: false },
  },
});

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`--${name} must be an integer of at least ${min} (given "${text}")`);
  return value;
}

function months(w: Workload): MonthlyCost[] {
  return [talesMonth(w, PRICES), firehoseAthenaMonth(w, PRICES), dynamoMonth(w, PRICES)];
}

if (values.docs) {
  const workloads = [
    ...[1, 16, 256].map((shards) => ({ eventsPerDay: shards * 10_000_000, shards, queriesPerDay: shards * 10_000 })),
    { eventsPerDay: 160_000_000, shards: 16, queriesPerDay: 160_000, queryDays: 7 },
  ];
  writeFileSync(new URL('../docs/costs.md', import.meta.url), costReport(workloads.map((w) => ({ workload: w, months: months(w) }))));
  console.log('wrote docs/costs.md');
} else {
  const w = {
    eventsPerDay: count('events-per-day', values['events-per-day'], 0),
    shards: count('shards', values.shards, 1),
    queriesPerDay: count('queries-per-day', values['queries-per-day'], 0),
    queryDays: count('query-days', values['query-days'], 1),
  };
  console.log(costReport([{ workload: w, months: months(w) }]));
}
