import { startUiServer } from '../../ui/ui-server';
import { untilInterrupted } from '../interrupt';
import type { CliIo } from '../io';
import type { Endpoint } from '../target';

export interface UiOptions {
  readonly port: number;
}

/**
 * `tales ui [--port 7701]`: the explorer page on 127.0.0.1 for the query endpoint (a deployment's
 * Function URL, requests signed here; or the local stack), until Ctrl-C.
 */
export async function uiCommand(options: UiOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const server = await startUiServer({
    queryUrl: endpoint.base,
    ...(!endpoint.local && endpoint.region ? { region: endpoint.region } : {}),
    signHosts: endpoint.signHosts,
    port: options.port,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    onError: (error) => io.err(`tales ui: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  io.out(`Explorer: ${server.url}/ (querying ${endpoint.base.origin}${endpoint.local ? '' : ', signed'}); Ctrl-C stops it\n`);
  const signal = untilInterrupted(io);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
}
