/**
 * `npm run bench`: every benchmark section in turn, each printing its table. Pass section names
 * to run only those (`npm run bench -- format`). Figures are measurements, never pass/fail.
 */
import { type BenchTable, formatTable } from './table';

type Section = () => Promise<BenchTable[]>;

const sections: Record<string, () => Promise<Section>> = {
  format: async () => (await import('./format')).benchFormat,
  consumer: async () => (await import('./consumer')).benchConsumer,
  ingest: async () => (await import('./ingest')).benchIngest,
  query: async () => (await import('./query')).benchQuery,
  compaction: async () => (await import('./compaction')).benchCompaction,
  erasure: async () => (await import('./erasure')).benchErasure,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const name of wanted.length ? wanted : Object.keys(sections)) {
    const load = sections[name];
    if (!load) throw new Error(`unknown bench section "${name}" (known: ${Object.keys(sections).join(', ')})`);
    for (const table of await (await load())()) console.log(formatTable(table));
  }
}

await main();
