import { type Erasure, TalesErasures } from '../../../shared/client/erasures';
import type { CliIo } from '../io';
import { type Endpoint, reachable } from '../target';

export interface EraseOptions {
  /** The actor to erase (`--actor`). */
  readonly actor?: number[];
  /** An erasure to report instead (`--status`). */
  readonly status?: string;
  readonly json?: boolean;
}

/**
 * `tales erase --actor ID`: erases one actor through the query endpoint (its events are hidden when this
 * returns, purged later) and prints the erasure; `tales erase --status ID` prints an erasure's progress.
 */
export async function eraseCommand(options: EraseOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const client = new TalesErasures({
    url: endpoint.base.href,
    unsigned: endpoint.local,
    signHosts: endpoint.signHosts,
    ...(endpoint.region ? { region: endpoint.region } : {}),
    fetch: reachable(io.fetch ?? globalThis.fetch, endpoint),
  });
  const [actor] = options.actor ?? [];
  const erasure = actor !== undefined ? await client.erase(actor) : await client.erasure(options.status ?? '');
  io.out(options.json ? `${JSON.stringify(erasure)}\n` : `${describe(erasure)}\n`);
}

function describe(erasure: Erasure): string {
  const days = erasure.days === null ? 'not yet scanned' : erasure.days.length === 0 ? 'none' : erasure.days.join(', ');
  return [
    `erasure ${erasure.id}: actor ${erasure.actor} ${erasure.status}`,
    `  requested ${erasure.requestedAt} by ${erasure.principal}`,
    `  days still holding data: ${days}`,
    ...(erasure.purgedAt ? [`  purged ${erasure.purgedAt}`] : []),
  ].join('\n');
}
