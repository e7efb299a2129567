import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { BlockCompressor } from '../shared/codec/zstd';

/** How a process hosts a handler: the Lambda runtime (index.ts) or the local stack. */
export interface SetupOptions {
  /** @default - the Logger's own (POWERTOOLS_LOG_LEVEL, else INFO) */
  readonly logLevel?: LogLevel;
  /** zstd loading once for every handler of the process. @default - the handler loads its own */
  readonly zstd?: Promise<BlockCompressor>;
}

/** A handler wired to its settings and clients, and how to release those clients. */
export interface HandlerSetup<H> {
  readonly handler: H;
  readonly destroy: () => void;
}
