import type { LocalStack } from './stack';

/** What `npm start` prints once the stack is up: where everything is, and commands to paste. */
export function startBanner(stack: LocalStack, batchWindowMs: number): string {
  const { url } = stack;
  const wait = batchWindowMs >= 1000 ? `${Math.ceil(batchWindowMs / 1000) + 1} s` : 'a second';
  return `Tales is running locally: data in ${stack.dataDir}

  Ingest   POST ${url}/events          (one event, a JSON array, or NDJSON)
  Query    GET  ${url}/events?actors=12345,67890&from=…&to=…&limit=…
  Health   GET  ${url}/health
  Kinesis  ${stack.kinesisEndpoint}    kinesalite, stream ${stack.streamName} (${stack.shards} shard${stack.shards === 1 ? '' : 's'})
  S3       ${stack.s3Endpoint}    s3rver, bucket ${stack.bucket}

Try it (the consumer writes within about ${wait}):
  curl -X POST ${url}/events -H 'content-type: application/json' \\
    -d '{"actors":[12345,67890],"text":"Player attacked monster"}'
  curl '${url}/events?actors=12345,67890'
  npx tales log "Player joined the game" --actor 12345
  npx tales query --actor 12345 --from -1h

Press Ctrl-C to stop (batches in flight finish and checkpoints are kept).
`;
}
