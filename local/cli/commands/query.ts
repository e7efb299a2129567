import { TalesQuery } from '../../../shared/client/query';
import { MAX_LIMIT } from '../../../shared/query/limits';
import { CliError } from '../errors';
import { formatEvent } from '../format-event';
import { untilInterrupted } from '../interrupt';
import type { CliIo } from '../io';
import { type Endpoint, reachable, signingRegion } from '../target';
import { parseTimeArg } from '../time-arg';

export interface QueryOptions {
  readonly actor: number[];
  readonly from: string;
  readonly to: string;
  readonly limit: number;
  readonly desc?: boolean;
  readonly json?: boolean;
  readonly contains?: string;
  readonly follow?: boolean;
}

/**
 * `tales query --actor N [--actor M] --from -1h --to now [--limit N] [--desc] [--json] [--contains T]`: the
 * events naming every actor (and holding T), oldest first (newest first with --desc), following cursors up
 * to --limit events. --json prints one JSON event per line (NDJSON, which `tales import` reads back).
 * With --follow, from --from on with no end, printing events as they become visible until Ctrl-C.
 */
export async function queryCommand(options: QueryOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const now = (io.now ?? Date.now)();
  const from = parseTimeArg(options.from, now, '--from');
  if (options.follow) return follow(options, from, endpoint, io);
  const to = parseTimeArg(options.to, now, '--to');
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  const descending = options.desc === true || from > to;
  const client = queryClient(endpoint, io);
  const params = {
    actors: options.actor,
    from: descending ? hi : lo,
    to: descending ? lo : hi,
    limit: Math.min(options.limit, MAX_LIMIT),
    ...(options.contains !== undefined ? { contains: options.contains } : {}),
  };
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

/** --follow: no --to, no --desc, no --limit (it prints until interrupted). */
async function follow(options: QueryOptions, from: number, endpoint: Endpoint, io: CliIo): Promise<void> {
  if (options.desc || options.to !== 'now')
    throw new CliError('--follow reads from --from on, oldest first, with no end: drop --to and --desc');
  const signal = untilInterrupted(io);
  const params = {
    actors: options.actor,
    from,
    limit: MAX_LIMIT,
    ...(options.contains !== undefined ? { contains: options.contains } : {}),
  };
  for await (const event of queryClient(endpoint, io).follow(params, { signal, ...(io.now ? { clock: io.now } : {}) })) {
    io.out(options.json ? `${JSON.stringify(event)}\n` : `${formatEvent(event)}\n`);
  }
}

function queryClient(endpoint: Endpoint, io: CliIo): TalesQuery {
  const region = signingRegion(endpoint);
  return new TalesQuery({
    url: endpoint.base.href,
    unsigned: endpoint.local,
    signHosts: endpoint.signHosts,
    ...(region ? { region } : {}),
    fetch: reachable(io.fetch ?? globalThis.fetch, endpoint),
  });
}
