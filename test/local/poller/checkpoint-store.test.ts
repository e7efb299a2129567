import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointFileError, CheckpointStore } from '../../../local/poller/checkpoint-store';
import { tempDataDir } from '../../support/local-stack';

describe('CheckpointStore', () => {
  let data: ReturnType<typeof tempDataDir>;
  let path: string;
  beforeEach(() => {
    data = tempDataDir();
    path = join(data.dir, 'checkpoints.json');
  });
  afterEach(() => data.remove());

  it('starts empty without a file, and reads back what it wrote', async () => {
    const store = await CheckpointStore.open(path, 'stream@1');
    expect(store.get('shardId-000000000000')).toEqual({});
    await Promise.all([store.advance('shardId-000000000000', '100'), store.advance('shardId-000000000001', '200')]);
    await store.end('shardId-000000000001');
    const again = await CheckpointStore.open(path, 'stream@1');
    expect(again.get('shardId-000000000000')).toEqual({ sequenceNumber: '100' });
    expect(again.get('shardId-000000000001')).toEqual({ sequenceNumber: '200', ended: true });
    expect(await readdir(data.dir)).toEqual(['checkpoints.json']);
  });

  it('ignores the checkpoints of another stream (one re-created under the same name)', async () => {
    const store = await CheckpointStore.open(path, 'stream@1');
    await store.advance('shardId-000000000000', '100');
    expect((await CheckpointStore.open(path, 'stream@2')).get('shardId-000000000000')).toEqual({});
  });

  it('keeps a shard named __proto__ as data', async () => {
    await writeFile(path, '{"version":1,"stream":"s","shards":{"__proto__":{"sequenceNumber":"5"}}}');
    const store = await CheckpointStore.open(path, 's');
    expect(store.get('__proto__')).toEqual({ sequenceNumber: '5' });
    expect(store.get('other')).toEqual({});
    await store.advance('other', '6');
    expect(JSON.parse(await readFile(path, 'utf8')).shards).toEqual(
      JSON.parse('{"__proto__":{"sequenceNumber":"5"},"other":{"sequenceNumber":"6"}}'),
    );
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['null', 'null', 'expected {"version":1,"stream","shards"}'],
    ['another version', '{"version":2,"stream":"s","shards":{}}', 'expected {"version":1,"stream","shards"}'],
    ['shards not an object', '{"version":1,"stream":"s","shards":null}', 'expected {"version":1,"stream","shards"}'],
    ['a bad sequence number', '{"version":1,"stream":"s","shards":{"a":{"sequenceNumber":"01"}}}', 'shard a has a malformed checkpoint'],
    ['a bad ended flag', '{"version":1,"stream":"s","shards":{"a":{"ended":"yes"}}}', 'shard a has a malformed checkpoint'],
  ])('refuses a file with %s, naming it', async (_name, text, why) => {
    await writeFile(path, text);
    const opening = CheckpointStore.open(path, 's');
    await expect(opening).rejects.toBeInstanceOf(CheckpointFileError);
    await expect(opening).rejects.toThrow(`checkpoint file ${path} is invalid: ${why} (delete it to read every shard again)`);
  });
});
