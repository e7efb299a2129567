import { CliError } from '../errors';
import { IngestClient } from '../ingest-client';
import type { CliIo } from '../io';
import type { Endpoint } from '../target';
import { parseTimeArg } from '../time-arg';

export interface LogOptions {
  readonly actor: number[];
  readonly time?: string;
}

/** `tales log TEXT --actor N [--actor M] [--time T]`: one event through the ingest endpoint. */
export async function logCommand(text: string, options: LogOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const now = (io.now ?? Date.now)();
  const event = { actors: options.actor, text, ...(options.time !== undefined ? { time: parseTimeArg(options.time, now, '--time') } : {}) };
  const answer = await new IngestClient(endpoint, io.fetch).post(JSON.stringify(event), 'application/json');
  const failure = answer.failed[0];
  if (failure) throw new CliError(`event refused: ${failure.code}: ${failure.message}`);
  io.out(`logged "${text}" for ${options.actor.join(', ')}\n`);
}
