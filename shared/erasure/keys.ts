import type { KeyLayout } from '../layout/keys';

/** Erasure ids are 32 lowercase hex digits (a random UUID's); anything else names no erasure. */
export const ERASURE_ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * Keys of the erasure records, below the data's prefix and beside `v1/` (not inside it, so that the
 * data's readers and the compactor's sweep never list them):
 * `erasures/set.json` (every erased actor), `erasures/actors/<actor>.json` (its erasure id) and
 * `erasures/records/<id>.json` (the audit record).
 */
export class ErasureKeys {
  readonly prefix: string;

  constructor(layout: KeyLayout) {
    this.prefix = `${layout.prefix}erasures/`;
  }

  get setKey(): string {
    return `${this.prefix}set.json`;
  }

  actorKey(actor: number): string {
    return `${this.prefix}actors/${actor}.json`;
  }

  recordKey(id: string): string {
    if (!ERASURE_ID_PATTERN.test(id)) throw new RangeError(`invalid erasure id "${id}" (32 hex digits)`);
    return `${this.prefix}records/${id}.json`;
  }
}
