import type { TalesEvent } from '../../shared/event/types';

/** One event as a line of text: UTC time, actors, text. */
export function formatEvent({ time, actors, text }: TalesEvent): string {
  return `${new Date(time).toISOString()}  [${actors.join(', ')}]  ${text}`;
}
