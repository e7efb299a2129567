import type { AddressInfo } from 'node:net';
import kinesalite from 'kinesalite';
import { guardServer } from './guard-server';

export interface LocalKinesisServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * kinesalite on a loopback port, keeping its streams in the LevelDB folder `path` (so they survive a
 * restart), or in memory without one. It takes SDK clients only: browsers and other Host names are refused.
 */
export async function startKinesisServer(path?: string, port = 0): Promise<LocalKinesisServer> {
  const server = kinesalite({ ...(path ? { path } : {}), createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  guardServer(server, { ownPages: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
