import { MAX_ACTOR_ID } from '../event/limits';
import { ErasureInputError } from './errors';

/** The actor of `DELETE /actors/{id}`: decimal digits only, within uint32. */
export function parseActorId(text: string): number {
  const actor = Number(text);
  if (!/^\d{1,10}$/.test(text) || actor > MAX_ACTOR_ID) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new ErasureInputError('actor_invalid', `actor id must be an integer in 0..${MAX_ACTOR_ID} (got "${shown}")`);
  }
  return actor;
}
