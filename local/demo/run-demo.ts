import { TalesQuery } from '../../shared/client/query';
import type { TalesEvent } from '../../shared/event/types';
import { CliError } from '../cli/errors';
import { formatEvent } from '../cli/format-event';
import { IngestClient } from '../cli/ingest-client';
import type { CliIo } from '../cli/io';
import { type Endpoint, reachable } from '../cli/target';
import { sleep } from '../poller/sleep';
import { MONSTER, PLAYER, QUICK_START_EVENTS } from './quick-start';

export interface DemoOptions {
  readonly ingest: Endpoint;
  readonly query: Endpoint;
  /** How long to wait for the consumer. @default 30000 */
  readonly timeoutMs?: number;
}

/** Time between the demo's events. */
const STEP_MS = 1000;

/**
 * The tales quick-start against a running stack: logs its five events (one second apart, ending a second
 * ago) through the ingest endpoint, waits until the consumer has written them, and prints the query for
 * the player and the one for the player AND the monster.
 */
export async function runDemo({ ingest, query, timeoutMs = 30_000 }: DemoOptions, io: CliIo): Promise<void> {
  const now = io.now ?? Date.now;
  const first = now() - QUICK_START_EVENTS.length * STEP_MS;
  const events = QUICK_START_EVENTS.map((event, i) => ({ ...event, time: first + i * STEP_MS }));
  const client = new IngestClient(ingest, io.fetch);
  for (const event of events) {
    const answer = await client.post(JSON.stringify(event), 'application/json');
    const failure = answer.failed[0];
    if (failure) throw new CliError(`"${event.text}" was refused: ${failure.code}: ${failure.message}`);
  }
  io.out(`Logged ${events.length} events through ${new URL('events', withSlash(ingest.base)).href}\n`);

  const reader = new TalesQuery({
    url: query.base.href,
    unsigned: query.local,
    ...(query.region ? { region: query.region } : {}),
    fetch: reachable(io.fetch ?? globalThis.fetch, query),
  });
  const read = async (actors: number[]) => {
    const found: TalesEvent[] = [];
    for await (const event of reader.query({ actors, from: first, to: first + (events.length - 1) * STEP_MS })) found.push(event);
    return found;
  };
  const expected = (actors: number[]) => events.filter((e) => actors.every((a) => e.actors.includes(a))).length;
  const deadline = now() + timeoutMs;
  let player = await read([PLAYER]);
  let both = await read([PLAYER, MONSTER]);
  while (player.length < expected([PLAYER]) || both.length < expected([PLAYER, MONSTER])) {
    if (now() > deadline) throw new CliError(`the consumer did not write the demo's events within ${timeoutMs / 1000} s`);
    await sleep(200);
    [player, both] = await Promise.all([read([PLAYER]), read([PLAYER, MONSTER])]);
  }
  io.out(`The consumer has written them.\n\nEvents of actor ${PLAYER}:\n`);
  for (const event of player) io.out(`  ${formatEvent(event)}\n`);
  io.out(`\nEvents of actors ${PLAYER} AND ${MONSTER}:\n`);
  for (const event of both) io.out(`  ${formatEvent(event)}\n`);
}

function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
