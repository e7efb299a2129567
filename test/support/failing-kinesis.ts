import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Kinesis endpoint on a free loopback port that answers every request 500 InternalFailure, counting the requests. */
export interface FailingKinesis {
  readonly endpoint: string;
  /** HTTP requests received so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function startFailingKinesis(): Promise<FailingKinesis> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InternalFailure' });
      response.end(JSON.stringify({ __type: 'InternalFailure', message: 'fault' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
