import { TalesQuery } from '../../../shared/client/query';
import { MAX_LIMIT } from '../../../shared/query/limits';
import { formatEvent } from '../format-event';
import type { CliIo } from '../io';
import { type Endpoint, reachable } from '../target';
import { parseTimeArg } from '../time-arg';

export interface QueryOptions {
  readonly actor: number[];
  readonly from: string;
  readonly to: string;
  readonly limit: number;
  readonly desc?: boolean;
  readonly json?: boolean;
}

/**
 * `tales query --actor N [--actor M] --from -1h --to now [--limit N] [--desc] [--json]`: the events naming
 * every actor, oldest first (newest first with --desc), following cursors up to --limit events. --json
 * prints one JSON event per line (NDJSON, which `tales import` reads back).
 */
export async function queryCommand(options: QueryOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const now = (io.now ?? Date.now)();
  const from = parseTimeArg(options.from, now, '--from');
  const to = parseTimeArg(options.to, now, '--to');
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  const descending = options.desc === true || from > to;
  const client = new TalesQuery({
    url: endpoint.base.href,
    unsigned: endpoint.local,
    signHosts: endpoint.signHosts,
    ...(endpoint.region ? { region: endpoint.region } : {}),
    fetch: reachable(io.fetch ?? globalThis.fetch, endpoint),
  });
  const params = { actors: options.actor, from: descending ? hi : lo, to: descending ? lo : hi, limit: Math.min(options.limit, MAX_LIMIT) };
  let printed = 0;
  let cursor: string | undefined;
  do {
    const page = await client.page(params, cursor);
    const shown = page.events.slice(0, options.limit - printed);
    for (const event of shown) io.out(options.json ? `${JSON.stringify(event)}\n` : `${formatEvent(event)}\n`);
    printed += shown.length;
    cursor = page.next;
    if (printed >= options.limit && (cursor !== undefined || page.events.length > shown.length)) {
      io.err(`(stopped at --limit ${options.limit}; more events may match)\n`);
      return;
    }
  } while (cursor !== undefined);
  if (printed === 0 && !options.json) io.err('no events\n');
}
