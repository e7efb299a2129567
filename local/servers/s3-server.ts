import S3rver from 's3rver';
import { guardServer } from './guard-server';

export interface LocalS3Server {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * s3rver on a loopback port, keeping its objects in `directory` (so they survive a restart), with `bucket`
 * created if missing. It takes SDK clients only: browsers and other Host names are refused.
 */
export async function startS3Server(directory: string, bucket: string, port = 0): Promise<LocalS3Server> {
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  // run() resolves in the same turn as listening, before any connection can be read.
  guardServer(server.httpServer, { ownPages: false });
  return { endpoint: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
