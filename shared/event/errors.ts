export type EventErrorCode =
  | 'not_an_object'
  | 'unknown_field'
  | 'actors_missing'
  | 'actors_empty'
  | 'actors_too_many'
  | 'actor_invalid'
  | 'actor_duplicate'
  | 'text_missing'
  | 'text_invalid_utf8'
  | 'frame_too_large'
  | 'time_invalid'
  | 'time_out_of_window';

/** An event that breaks the model or a limit; `message` says which and by how much. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly code: EventErrorCode,
    message: string,
  ) {
    super(message);
  }
}
