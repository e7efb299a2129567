export { ProducerClosedError, ProducerFlushError, TalesClientError, TalesQueryError } from './client/errors';
export type { FailedRecord, LogInput, ProducerEvents, RetriedRecord, SentRecord } from './client/producer';
export { TalesProducer } from './client/producer';
export type { BufferPolicy, TalesProducerOptions } from './client/producer-options';
export type { CountsAnswer, CountsParams, FollowOptions, FollowParams, QueryPage, QueryParams, TalesQueryOptions } from './client/query';
export { TalesQuery } from './client/query';
export { EventValidationError } from './event/errors';
export { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT, MAX_FRAME_BYTES } from './event/limits';
export type { TalesEvent } from './event/types';
