export { EventValidationError } from '../event/errors';
export { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT, MAX_FRAME_BYTES } from '../event/limits';
export type { TalesEvent } from '../event/types';
export type { IngestFailure } from '../ingest/types';
export type { Erasure } from './erasures';
export { TalesErasures } from './erasures';
export {
  ProducerClosedError,
  ProducerFlushError,
  TalesClientError,
  TalesCredentialsError,
  TalesIngestError,
  TalesQueryError,
} from './errors';
export type { FunctionUrlOptions } from './function-url';
export type { IngestAnswer, IngestContentType, TalesIngestOptions } from './ingest';
export { TalesIngest } from './ingest';
export type { FailedRecord, LogInput, ProducerEvents, RetriedRecord, SentRecord } from './producer';
export { TalesProducer } from './producer';
export type { BufferPolicy, TalesProducerOptions } from './producer-options';
export type { CountsAnswer, CountsParams, FollowOptions, FollowParams, QueryPage, QueryParams, TalesQueryOptions } from './query';
export { TalesQuery } from './query';
