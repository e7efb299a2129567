import { EventEmitter } from 'node:events';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../aws/kinesis-client';
import type { TalesEvent } from '../event/types';
import { validateEvent } from '../event/validate';
import type { PutFailure } from '../kinesis/put-records';
import { type CallReport, CLIENT_MAX_ATTEMPTS, putWithRetries } from '../kinesis/put-with-retries';
import { encodeRecord, type OutgoingRecord } from '../kinesis/record';
import { ProducerClosedError, ProducerFlushError } from './errors';
import { type ResolvedProducerOptions, resolveProducerOptions, type TalesProducerOptions } from './producer-options';

/** An event to log in object form; `time` defaults to the producer's clock. */
export interface LogInput {
  readonly text: string;
  readonly actors: readonly number[];
  readonly time?: number | string | Date;
}

export interface SentRecord {
  readonly event: TalesEvent;
  readonly sequenceNumber: string;
  readonly shardId: string;
}

export interface RetriedRecord {
  readonly event: TalesEvent;
  /** Calls the record has taken part in so far. */
  readonly attempt: number;
  readonly code: string;
  readonly message: string;
}

export interface FailedRecord {
  readonly event: TalesEvent;
  readonly code: string;
  readonly message: string;
}

export interface ProducerEvents {
  /** Records Kinesis acknowledged (one emit per PutRecords call). */
  sent: [records: SentRecord[]];
  /** Records Kinesis failed retryably; they go again after a backoff. */
  retried: [records: RetriedRecord[]];
  /** An event `log` refused because the buffer was full (policy 'drop'). */
  dropped: [event: TalesEvent];
  /** Records given up: out of attempts, or rejected for good. */
  failed: [records: FailedRecord[]];
}

interface Entry {
  readonly id: number;
  readonly event: TalesEvent;
  readonly record: OutgoingRecord;
  /** performance.now() when it entered the queue. */
  readonly queuedAt: number;
  settled: boolean;
}

interface Blocked {
  readonly event: TalesEvent;
  readonly record: OutgoingRecord;
  readonly resolve: (logged: boolean) => void;
}

interface FlushWaiter {
  /** Entries with an id below this are covered. */
  readonly mark: number;
  /** Covered entries not settled yet. */
  remaining: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Publishes events to the Tales Kinesis stream in the design's record schema. `log` validates and buffers;
 * records go out in PutRecords calls of up to 500 records / 5 MiB, when a call is full or the linger time
 * has passed, one call at a time so that each partition key's records keep their order (a retried record
 * goes back to the front of the queue). `flush` is the counterpart of tales' Sync.
 */
export class TalesProducer extends EventEmitter<ProducerEvents> {
  private readonly options: ResolvedProducerOptions;
  private readonly kinesis: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly queue: Entry[] = [];
  private queuedBytes = 0;
  /** Entries not yet settled (queued or in flight), which the buffer bounds. */
  private held = 0;
  private heldBytes = 0;
  private nextId = 0;
  private sending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly blocked: Blocked[] = [];
  private flushes: FlushWaiter[] = [];
  /** Ids of entries given up that no flush has reported yet. */
  private unreported: number[] = [];
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: TalesProducerOptions) {
    super();
    this.options = resolveProducerOptions(options);
    this.ownsClient = !options.kinesis;
    this.kinesis =
      options.kinesis ??
      createKinesisClient({
        maxAttempts: CLIENT_MAX_ATTEMPTS,
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
  }

  /**
   * Logs an event. Resolves `true` once it is buffered, or `false` when the buffer is full under the
   * 'drop' policy; under 'block' it waits for room. Rejects with an EventValidationError for an invalid
   * event and a ProducerClosedError after `close`.
   */
  log(text: string, ...actors: number[]): Promise<boolean>;
  log(event: LogInput): Promise<boolean>;
  async log(input: string | LogInput, ...actors: number[]): Promise<boolean> {
    if (this.closed) throw new ProducerClosedError();
    const raw =
      typeof input === 'string'
        ? { text: input, actors }
        : { ...input, time: input.time instanceof Date ? input.time.getTime() : input.time };
    const now = this.options.clock();
    const event = validateEvent(raw, { defaultTime: now, secondsNear: now });
    const record = encodeRecord(event);
    if (this.blocked.length === 0 && this.hasRoom(record.size)) {
      this.admit(event, record);
      return true;
    }
    if (this.options.whenFull === 'drop') {
      this.notify('dropped', event);
      return false;
    }
    return new Promise((resolve) => this.blocked.push({ event, record, resolve }));
  }

  /** Records held now (waiting or in flight). */
  get buffered(): number {
    return this.held;
  }

  /**
   * Sends everything logged so far without waiting for the linger time, and resolves when all of it is
   * in the stream. Rejects with a ProducerFlushError when some of it was given up (counting records
   * given up before the call too, unless an earlier flush reported them).
   */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = { mark: this.nextId, remaining: this.held, resolve, reject };
      if (waiter.remaining === 0) {
        this.report(waiter);
      } else {
        this.flushes.push(waiter);
        this.schedule();
      }
    });
  }

  /** Refuses further `log` calls, writes everything accepted or waiting for room, then releases the client. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.drain().finally(() => {
      if (this.ownsClient) this.kinesis.destroy();
    });
    return this.closing;
  }

  private async drain(): Promise<void> {
    let failed = 0;
    do {
      try {
        await this.flush();
      } catch (error) {
        if (!(error instanceof ProducerFlushError)) throw error;
        failed += error.failed;
      }
    } while (this.held > 0 || this.blocked.length > 0);
    if (failed > 0) throw new ProducerFlushError(failed);
  }

  private hasRoom(size: number): boolean {
    if (this.held === 0) return true;
    return this.held < this.options.maxBufferedRecords && this.heldBytes + size <= this.options.maxBufferedBytes;
  }

  private admit(event: TalesEvent, record: OutgoingRecord): void {
    this.queue.push({ id: this.nextId++, event, record, queuedAt: performance.now(), settled: false });
    this.queuedBytes += record.size;
    this.held++;
    this.heldBytes += record.size;
    this.schedule();
  }

  /** Starts a call now when a full batch is waiting, a flush is pending or the oldest record has lingered enough. */
  private schedule(): void {
    const oldest = this.queue[0];
    if (this.sending || !oldest) return;
    const full = this.queue.length >= this.options.maxBatchRecords || this.queuedBytes >= this.options.maxBatchBytes;
    const waitMs = oldest.queuedAt + this.options.lingerMs - performance.now();
    if (full || this.flushes.length > 0 || waitMs <= 0) {
      void this.send();
    } else {
      this.lingerTimer ??= setTimeout(() => {
        this.lingerTimer = undefined;
        this.schedule();
      }, waitMs);
    }
  }

  /**
   * Hands everything queued to the shared retry loop, which sends it in calls of the batch limits and
   * retries what Kinesis fails (ahead of the rest); records logged meanwhile wait for the next send.
   */
  private async send(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.sending = true;
    const batch = this.queue.splice(0);
    this.queuedBytes = 0;
    const { streamName, maxAttempts, baseDelayMs, maxDelayMs, random, maxBatchRecords, maxBatchBytes } = this.options;
    try {
      await putWithRetries(this.kinesis, streamName, batch, {
        maxAttempts,
        baseDelayMs,
        maxDelayMs,
        random,
        maxRecords: maxBatchRecords,
        maxBytes: maxBatchBytes,
        onCall: (report) => this.settle(report),
      });
    } catch (error) {
      // A fault of the deployment (a missing stream, denied access): retrying cannot help.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const failure: PutFailure = { code: 'kinesis_rejected', message, retryable: false };
      this.settle({ sent: [], retried: [], failed: batch.filter((e) => !e.settled).map((item) => ({ item, failure })) });
    }
    this.sending = false;
    this.schedule();
  }

  private settle({ sent, retried, failed }: CallReport<Entry>): void {
    for (const { item } of sent) this.release(item, true);
    for (const { item } of failed) this.release(item, false);
    this.admitBlocked();
    if (sent.length > 0) {
      this.notify(
        'sent',
        sent.map(({ item, sequenceNumber, shardId }) => ({ event: item.event, sequenceNumber, shardId })),
      );
    }
    if (retried.length > 0) {
      this.notify(
        'retried',
        retried.map(({ item, attempts, failure }) => ({
          event: item.event,
          attempt: attempts,
          code: failure.code,
          message: failure.message,
        })),
      );
    }
    if (failed.length > 0) {
      this.notify(
        'failed',
        failed.map(({ item, failure }) => ({ event: item.event, code: failure.code, message: failure.message })),
      );
    }
    this.settleFlushes();
  }

  /** Counts a settled entry against the flushes that cover it. */
  private release(entry: Entry, ok: boolean): void {
    entry.settled = true;
    this.held--;
    this.heldBytes -= entry.record.size;
    if (!ok) this.unreported.push(entry.id);
    for (const waiter of this.flushes) if (entry.id < waiter.mark) waiter.remaining--;
  }

  private settleFlushes(): void {
    const done = this.flushes.filter((w) => w.remaining === 0);
    this.flushes = this.flushes.filter((w) => w.remaining > 0);
    for (const waiter of done) this.report(waiter);
  }

  /** Settles a flush whose records are all settled: rejected when some of them were given up. */
  private report(waiter: FlushWaiter): void {
    const failed = this.unreported.filter((id) => id < waiter.mark).length;
    if (failed === 0) {
      waiter.resolve();
      return;
    }
    this.unreported = this.unreported.filter((id) => id >= waiter.mark);
    waiter.reject(new ProducerFlushError(failed));
  }

  private admitBlocked(): void {
    for (let next = this.blocked[0]; next && this.hasRoom(next.record.size); next = this.blocked[0]) {
      this.blocked.shift();
      this.admit(next.event, next.record);
      next.resolve(true);
    }
  }

  /** Emits without letting a listener's exception break the send loop; it surfaces as an uncaught error. */
  private notify<K extends keyof ProducerEvents>(name: K, ...args: ProducerEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: ProducerEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
