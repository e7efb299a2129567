export { EventValidationError } from './event/errors';
export { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT, MAX_FRAME_BYTES } from './event/limits';
export type { TalesEvent } from './event/types';
