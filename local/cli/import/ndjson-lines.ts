/** One line of the input: its exact bytes (its newline included, if it has one) and its text (without it). */
export interface RawLine {
  /** 1-based. */
  readonly number: number;
  readonly bytes: Buffer;
  readonly text: string;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines at `\n` (a `\r` before it is dropped from the text), keeping each line's
 * bytes so that the reader can count and hash exactly what it consumed. UTF-8 never has 0x0a inside a
 * character, so splitting bytes is safe. The last line may lack a newline.
 */
export async function* ndjsonLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<RawLine> {
  let pending = Buffer.alloc(0);
  let number = 0;
  for await (const chunk of input) {
    let buffer = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    for (let newline = buffer.indexOf(NEWLINE); newline >= 0; newline = buffer.indexOf(NEWLINE)) {
      yield line(++number, buffer.subarray(0, newline + 1));
      buffer = buffer.subarray(newline + 1);
    }
    pending = Buffer.from(buffer);
  }
  if (pending.length > 0) yield line(++number, pending);
}

function line(number: number, bytes: Buffer): RawLine {
  let end = bytes.length;
  if (bytes[end - 1] === NEWLINE) end--;
  if (bytes[end - 1] === 0x0d) end--;
  return { number, bytes, text: bytes.toString('utf8', 0, end) };
}
