import { EventValidationError } from '../event/errors';
import type { TalesEvent } from '../event/types';
import { type ValidateOptions, validateEvent } from '../event/validate';
import type { IngestFailure } from './types';

export interface ValidatedEvents {
  readonly valid: readonly { readonly index: number; readonly event: TalesEvent }[];
  readonly invalid: readonly IngestFailure[];
}

/** Validates each raw event on its own: one bad event fails alone, with its validation code and message. */
export function validateEvents(items: readonly unknown[], options: ValidateOptions): ValidatedEvents {
  const valid: { index: number; event: TalesEvent }[] = [];
  const invalid: IngestFailure[] = [];
  items.forEach((item, index) => {
    try {
      valid.push({ index, event: validateEvent(item, options) });
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      invalid.push({ index, code: error.code, message: error.message });
    }
  });
  return { valid, invalid };
}
