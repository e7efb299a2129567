import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL } from '../kinesis/limits';

/** What `log` does when the buffer is full: wait for room, or drop the event (and emit `dropped`). */
export type BufferPolicy = 'block' | 'drop';

export interface TalesProducerOptions {
  readonly streamName: string;
  /**
   * A client of your own; create it with `maxAttempts: 1`, or each of the producer's attempts may be up
   * to the SDK's `maxAttempts` (3 by default) requests.
   * @default - a client for `region` / `endpoint` making one request per attempt, created by the producer and destroyed by `close`
   */
  readonly kinesis?: KinesisClient;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** A local Kinesis server (kinesalite). @default - AWS */
  readonly endpoint?: string;
  /** Records per PutRecords call, 1..500. @default 500 */
  readonly maxBatchRecords?: number;
  /** Bytes (data and partition keys) per PutRecords call, up to 5 MiB. @default 5 MiB */
  readonly maxBatchBytes?: number;
  /** How long a record may wait for a fuller batch, in ms. @default 50 */
  readonly lingerMs?: number;
  /** Records held (waiting or in flight) before `whenFull` applies. @default 10000 */
  readonly maxBufferedRecords?: number;
  /** Bytes held before `whenFull` applies. @default 32 MiB */
  readonly maxBufferedBytes?: number;
  /** @default 'block' */
  readonly whenFull?: BufferPolicy;
  /** PutRecords calls one record may take part in (the first included) before it is given up (`failed`). @default 10 */
  readonly maxAttempts?: number;
  /** First retry delay ceiling, in ms (exponential, full jitter). @default 100 */
  readonly baseDelayMs?: number;
  /** Largest retry delay ceiling, in ms. @default 5000 */
  readonly maxDelayMs?: number;
  /** Time stamped on events logged without one. @default Date.now */
  readonly clock?: () => number;
  /** A number in [0, 1) for the retry jitter. @default Math.random */
  readonly random?: () => number;
}

export type ResolvedProducerOptions = Required<Omit<TalesProducerOptions, 'kinesis' | 'endpoint' | 'region'>> &
  Pick<TalesProducerOptions, 'kinesis' | 'endpoint' | 'region'>;

const DEFAULTS = {
  maxBatchRecords: MAX_RECORDS_PER_CALL,
  maxBatchBytes: MAX_BYTES_PER_CALL,
  lingerMs: 50,
  maxBufferedRecords: 10_000,
  maxBufferedBytes: 32 * 1024 * 1024,
  whenFull: 'block' as BufferPolicy,
  maxAttempts: 10,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  clock: Date.now,
  random: Math.random,
};

const RANGES: Record<string, readonly [number, number]> = {
  maxBatchRecords: [1, MAX_RECORDS_PER_CALL],
  maxBatchBytes: [1, MAX_BYTES_PER_CALL],
  lingerMs: [0, 60_000],
  maxBufferedRecords: [1, Number.MAX_SAFE_INTEGER],
  maxBufferedBytes: [1, Number.MAX_SAFE_INTEGER],
  maxAttempts: [1, 1_000],
  baseDelayMs: [0, 3_600_000],
  maxDelayMs: [0, 3_600_000],
};

const KNOWN = new Set(['streamName', 'kinesis', 'region', 'endpoint', ...Object.keys(DEFAULTS)]);

/** Fills defaults and rejects unknown keys and out-of-range values, naming the option and the value. */
export function resolveProducerOptions(options: TalesProducerOptions): ResolvedProducerOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown producer option "${key}"`);
  }
  if (typeof options.streamName !== 'string' || options.streamName === '') throw new TypeError('streamName is required');
  const resolved = { ...DEFAULTS, ...stripUndefined(options) } as ResolvedProducerOptions;
  for (const [key, [min, max]] of Object.entries(RANGES)) {
    const value = resolved[key as keyof typeof DEFAULTS];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${key} must be an integer in ${min}..${max} (given ${String(value)})`);
    }
  }
  if (resolved.whenFull !== 'block' && resolved.whenFull !== 'drop') {
    throw new TypeError(`whenFull must be 'block' or 'drop' (given ${String(resolved.whenFull)})`);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
