import type { TalesEvent } from '../event/types';

/**
 * The bytes an event adds to the Lambda response that carries its page: its JSON in the page's body,
 * escaped once more because the body travels as a JSON string inside the response (a `"` of a text
 * takes 4 bytes there, a control character 7), and the comma before the next one.
 */
export function responseBytes(event: TalesEvent): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(event))) - 1;
}
