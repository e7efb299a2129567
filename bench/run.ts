/**
 * `npm run bench`: every benchmark section in turn, each printing its table. Pass section names
 * to run only those (`npm run bench -- format`), and options after them (`npm run bench -- query
 * --store memory`); every section gets the options. Figures are measurements, never pass/fail.
 */
import { type BenchTable, formatTable } from './table';

type Section = (options: readonly string[]) => Promise<BenchTable[]>;

const sections: Record<string, () => Promise<Section>> = {
  format: async () => (await import('./format')).benchFormat,
  consumer: async () => (await import('./consumer')).benchConsumer,
  ingest: async () => (await import('./ingest')).benchIngest,
  query: async () => (await import('./query')).benchQuery,
  compaction: async () => (await import('./compaction')).benchCompaction,
  counts: async () => (await import('./counts')).benchCounts,
  ui: async () => (await import('./ui')).benchUi,
  zstd: async () => (await import('./zstd')).benchZstd,
  scale: async () => (await import('./scale')).benchScale,
  freshness: async () => (await import('./freshness')).benchFreshness,
  erasure: async () => (await import('./erasure')).benchErasure,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((arg) => arg.startsWith('--'));
  const wanted = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  for (const name of wanted.length ? wanted : Object.keys(sections)) {
    const load = sections[name];
    if (!load) throw new Error(`unknown bench section "${name}" (known: ${Object.keys(sections).join(', ')})`);
    for (const table of await (await load())(options)) console.log(formatTable(table));
  }
}

await main();
