import type { TalesEvent } from '../../shared/event/types';

/** C0 and C1 controls and DEL: in a terminal they move the cursor, rewrite lines or send escape sequences. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One event as a line of text: UTC time, actors, text, its control characters escaped as `\uXXXX`. */
export function formatEvent({ time, actors, text }: TalesEvent): string {
  return `${new Date(time).toISOString()}  [${actors.join(', ')}]  ${escapeControls(text)}`;
}

function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
