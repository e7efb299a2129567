import { describe, expect, it } from 'vitest';
import { PhaseLock } from '../../local/phase-lock';

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PhaseLock', () => {
  it('admits holders of one kind together, and the other kind only when they are all gone', async () => {
    const lock = new PhaseLock<'read' | 'write'>();
    const log: string[] = [];
    const r1 = await lock.acquire('read');
    const r2 = await lock.acquire('read');
    const w = lock.acquire('write').then((release) => {
      log.push('write');
      return release;
    });
    await settle();
    expect(log).toEqual([]);
    r1();
    await settle();
    expect(log).toEqual([]);
    r2();
    await settle();
    expect(log).toEqual(['write']);
    (await w)();
  });

  it('queues a holder of the same kind behind a waiter of the other kind, so neither starves', async () => {
    const lock = new PhaseLock<'read' | 'write'>();
    const order: string[] = [];
    const w1 = await lock.acquire('write');
    const waiters = [
      lock.run('read', async () => order.push('read 1')),
      lock.run('write', async () => order.push('write 2')),
      lock.run('write', async () => order.push('write 3')),
      lock.run('read', async () => order.push('read 4')),
    ];
    await settle();
    expect(order).toEqual([]);
    w1();
    await Promise.all(waiters);
    expect(order).toEqual(['read 1', 'write 2', 'write 3', 'read 4']);
  });

  it('releases once however often release is called, and on a task that throws', async () => {
    const lock = new PhaseLock<'a' | 'b'>();
    const a1 = await lock.acquire('a');
    const a2 = await lock.acquire('a');
    a1();
    a1();
    let bIn = false;
    const b = lock.acquire('b').then((release) => {
      bIn = true;
      return release;
    });
    await settle();
    expect(bIn).toBe(false);
    a2();
    (await b)();
    await expect(lock.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('b', async () => 'free')).toBe('free');
  });
});
