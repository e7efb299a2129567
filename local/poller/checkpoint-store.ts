import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSequenceNumber } from '../../shared/manifest/sequence-number';
import { OWNER_ONLY_FILE } from '../owner-only';

/** How far a shard has been delivered: after `sequenceNumber`, and whether the (closed) shard is fully read. */
export interface ShardCheckpoint {
  readonly sequenceNumber?: string;
  readonly ended?: boolean;
}

/** A checkpoint file that cannot be read as one. */
export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

interface CheckpointFile {
  readonly version: 1;
  /** The stream the checkpoints belong to: a stream re-created under the same name starts over. */
  readonly stream: string;
  readonly shards: Record<string, ShardCheckpoint>;
}

/**
 * The poller's checkpoints, one per shard, in one JSON file. Every change is written at once (to a
 * temporary file, then renamed over the old one, so a crash leaves the old or the new file whole);
 * writes are serialized, so concurrent shards never interleave.
 */
export class CheckpointStore {
  private shards = new Map<string, ShardCheckpoint>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly stream: string,
  ) {}

  /** Loads the checkpoints of `stream` from `path`; none when the file is missing or belongs to another stream. */
  static async open(path: string, stream: string): Promise<CheckpointStore> {
    const store = new CheckpointStore(path, stream);
    const file = await readCheckpointFile(path);
    if (file?.stream === stream) store.shards = new Map(Object.entries(file.shards));
    return store;
  }

  get(shardId: string): ShardCheckpoint {
    return this.shards.get(shardId) ?? {};
  }

  advance(shardId: string, sequenceNumber: string): Promise<void> {
    this.shards.set(shardId, { sequenceNumber });
    return this.save();
  }

  end(shardId: string): Promise<void> {
    this.shards.set(shardId, { ...this.get(shardId), ended: true });
    return this.save();
  }

  /** Resolves when every change so far is on disk. */
  flushed(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    const file: CheckpointFile = { version: 1, stream: this.stream, shards: Object.fromEntries(this.shards) };
    const text = `${JSON.stringify(file, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, text, { mode: OWNER_ONLY_FILE });
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writing;
  }
}

async function readCheckpointFile(path: string): Promise<CheckpointFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const bad = (why: string) => new CheckpointFileError(`checkpoint file ${path} is invalid: ${why} (delete it to read every shard again)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const file = value as Partial<CheckpointFile> | null;
  if (file?.version !== 1 || typeof file.stream !== 'string' || typeof file.shards !== 'object' || file.shards === null) {
    throw bad('expected {"version":1,"stream","shards"}');
  }
  for (const [shardId, checkpoint] of Object.entries(file.shards)) {
    const { sequenceNumber, ended } = (checkpoint ?? {}) as ShardCheckpoint;
    if ((sequenceNumber !== undefined && !isSequenceNumber(sequenceNumber)) || (ended !== undefined && typeof ended !== 'boolean')) {
      throw bad(`shard ${shardId} has a malformed checkpoint`);
    }
  }
  return file as CheckpointFile;
}
