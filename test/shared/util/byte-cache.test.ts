import { describe, expect, it } from 'vitest';
import { ByteBudgetCache, retainedBytes } from '../../../shared/util/byte-cache';

const bytes = (n: number) => new Uint8Array(n);

describe('ByteBudgetCache', () => {
  it('forgets the least recently used entry first, across kinds, to stay within its bytes', () => {
    const cache = new ByteBudgetCache(2500);
    const a = cache.shelf<Uint8Array>('a', (value) => value.length);
    const b = cache.shelf<Uint8Array>('b', (value) => value.length);
    a.set('1', bytes(800));
    b.set('1', bytes(800));
    expect(a.get('1')).toHaveLength(800);
    b.set('2', bytes(800));
    expect(cache.bytes).toBeLessThanOrEqual(2500);
    expect(b.get('1')).toBeUndefined();
    expect(a.get('1')).toHaveLength(800);
    expect(b.get('2')).toHaveLength(800);
    expect(cache.entries).toBe(2);
  });

  it('keeps kinds apart under the same key', () => {
    const cache = new ByteBudgetCache(10_000);
    const a = cache.shelf<Uint8Array>('a', (value) => value.length);
    const b = cache.shelf<Uint8Array>('b', (value) => value.length);
    a.set('k', bytes(1));
    b.set('k', bytes(2));
    expect(a.get('k')).toHaveLength(1);
    expect(b.get('k')).toHaveLength(2);
    a.delete('k');
    expect(a.get('k')).toBeUndefined();
    expect(b.get('k')).toHaveLength(2);
  });

  it('counts each value, its key and a fixed overhead', () => {
    const cache = new ByteBudgetCache(10_000);
    cache.shelf<Uint8Array>('kind', (value) => value.length).set('key', bytes(1000));
    expect(cache.bytes).toBe(1000 + 2 * 'kind:key'.length + 128);
  });

  it('does not keep a value larger than the whole budget, and keeps nothing at 0', () => {
    const cache = new ByteBudgetCache(1000);
    const shelf = cache.shelf<Uint8Array>('a', (value) => value.length);
    shelf.set('big', bytes(1000));
    expect(shelf.get('big')).toBeUndefined();
    expect(cache.bytes).toBe(0);
    const none = new ByteBudgetCache(0).shelf<Uint8Array>('a', (value) => value.length);
    none.set('x', bytes(1));
    expect(none.get('x')).toBeUndefined();
  });

  it('refuses a bad budget', () => {
    expect(() => new ByteBudgetCache(-1)).toThrow('cache bytes must be a non-negative integer (given -1)');
    expect(() => new ByteBudgetCache(1.5)).toThrow('cache bytes must be a non-negative integer (given 1.5)');
  });

  it('counts the whole buffer a view keeps alive', () => {
    expect(retainedBytes(bytes(4096).subarray(0, 10))).toBe(4096);
  });
});
