import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/main';
import { dayName, dayNumber } from '../../../shared/layout/day';
import { runCaptured } from '../../support/cli-io';
import { tempDataDir, useTestStack, waitUntil } from '../../support/local-stack';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the tales CLI against a running local stack', () => {
  const local = useTestStack();
  const now = Date.now();

  const tales = (args: string[], env: Record<string, string> = {}) =>
    runCaptured((io) => runCli(args, io), {
      env: { TALES_URL: local.stack.url, TALES_DATA_DIR: local.dir, ...env },
      now: () => now,
      cwd: local.dir,
    });

  const iso = (ms: number) => new Date(ms).toISOString();

  it('logs events and queries them back, in both directions, as text and as NDJSON', async () => {
    const t1 = now - 3000;
    const t2 = now - 2000;
    expect(await tales(['log', 'Player joined', '--actor', '501', '--time', String(t1)])).toEqual({
      code: 0,
      out: 'logged "Player joined" for 501\n',
      err: '',
    });
    expect((await tales(['log', 'Player met 502', '-a', '501', '-a', '502', '-t', iso(t2)])).code).toBe(0);
    await waitUntil('the two events', async () => (await tales(['query', '--actor', '501', '--json'])).out.split('\n').length === 3);

    expect(await tales(['query', '--actor', '501', '--from', '-1h'])).toEqual({
      code: 0,
      out: `${iso(t1)}  [501]  Player joined\n${iso(t2)}  [501, 502]  Player met 502\n`,
      err: '',
    });
    expect((await tales(['query', '--actor', '501', '--from', '-1h', '--to', 'now', '--desc'])).out).toBe(
      `${iso(t2)}  [501, 502]  Player met 502\n${iso(t1)}  [501]  Player joined\n`,
    );
    expect((await tales(['query', '-a', '502', '-a', '501', '--json'])).out).toBe(
      `${JSON.stringify({ time: t2, actors: [501, 502], text: 'Player met 502' })}\n`,
    );
    expect(await tales(['query', '--actor', '501', '--limit', '1'])).toEqual({
      code: 0,
      out: `${iso(t1)}  [501]  Player joined\n`,
      err: '(stopped at --limit 1; more events may match)\n',
    });
    expect(await tales(['query', '--actor', '503'])).toEqual({ code: 0, out: '', err: 'no events\n' });
  });

  it('imports an NDJSON file, reporting accepted and failed lines', async () => {
    const lines = [
      ...Array.from({ length: 1200 }, (_, i) =>
        JSON.stringify({ actors: [601, 602 + (i % 3)], text: `imported ${i}`, time: now - 10_000 + i }),
      ),
      '',
      'not json',
      JSON.stringify({ actors: [], text: 'no actors' }),
      JSON.stringify({ actors: [601], text: 'too old', time: now - 3 * 86_400_000 }),
    ];
    await writeFile(join(local.dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const run = await tales(['import', 'events.ndjson', '--batch', '500']);
    expect(run.code).toBe(1);
    expect(run.out.split('\n').slice(0, 4)).toEqual([
      'imported events.ndjson: 1200 accepted, 3 failed',
      '  line 1202: invalid_json: not valid JSON: Unexpected token \'o\', "not json" is not valid JSON',
      '  line 1203: actors_empty: actors must name at least one actor',
      expect.stringMatching(/^ {2}line 1204: time_out_of_window: /),
    ]);
    expect(run.err).toBe('tales: 3 events of events.ndjson failed\n');

    await waitUntil('the imported events', async () => {
      const { out } = await tales(['query', '--actor', '601', '--from', '-1m', '--limit', '5000', '--json']);
      return out.split('\n').length === 1201;
    });
    const { out } = await tales(['query', '--actor', '601', '--actor', '603', '--from', '-1m', '--limit', '5000']);
    expect(out.split('\n').filter(Boolean)).toHaveLength(400);
  });

  it('compacts a day of the local stack, after which queries answer the same', async () => {
    const before = await tales(['query', '--actor', '601', '--from', '-1m', '--limit', '5000', '--json']);
    const today = dayName(dayNumber(now - 10_000));
    expect(await tales(['compact', '--day', today])).toEqual({
      code: 0,
      out: `${today}: not closed yet (events may still arrive); --force compacts it anyway\n`,
      err: '',
    });
    const forced = await tales(['compact', '--day', today, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(new RegExp(`^${today}: compacted \\d+ events from \\d+ chunks\\n$`));
    expect(await tales(['compact', '--day', today, '--force'])).toMatchObject({ out: `${today}: already compacted\n` });
    expect(await tales(['query', '--actor', '601', '--from', '-1m', '--limit', '5000', '--json'])).toEqual(before);
    expect(await tales(['compact', '--day', '2001-01-01'])).toMatchObject({ code: 0, out: '2001-01-01: nothing stored\n' });
  });

  it('refuses compact away from the local stack, or without one running', async () => {
    expect(await tales(['compact', '--day', '2026-07-01'], { TALES_URL: 'https://abc.lambda-url.eu-west-1.on.aws/' })).toEqual({
      code: 1,
      out: '',
      err: 'tales: compact works on the local stack only; in AWS the compactor Lambda runs on its schedule (or invoke it with {"day":"YYYY-MM-DD"})\n',
    });
    const elsewhere = tempDataDir();
    expect(await tales(['compact', '--day', '2026-07-01', '--data-dir', elsewhere.dir])).toEqual({
      code: 1,
      out: '',
      err: `tales: no local stack is running on ${elsewhere.dir}: start one with npm start (or set --data-dir / TALES_DATA_DIR)\n`,
    });
    elsewhere.remove();
    expect((await tales(['compact', '--day', '2026-7-1'])).err).toBe('tales: --day "2026-7-1" is not a UTC day: use YYYY-MM-DD\n');
  });

  it("prints the server's message and exits non-zero on errors", async () => {
    expect(await tales(['query', '--actor', '1', '--from', '-900d'])).toEqual({
      code: 1,
      out: '',
      err: 'tales: the query endpoint answered 400 span_too_large: from..to spans 900.0 days, over the maximum of 366 days\n',
    });
    const old = await tales(['log', 'too old', '--actor', '1', '--time', '-3d']);
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/^tales: event refused: time_out_of_window: time .* is outside the accepted window/);
    const bad = await tales(['log', 'x', '--actor', '-1']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("error: option '-a, --actor <id>' argument '-1' is invalid. actor must be an integer in 0..4294967295");
    expect((await tales(['query'])).err).toContain("error: required option '-a, --actor <id>' not specified");
    expect((await tales(['query', '-a', '1', '--from', 'soon'])).err).toBe(
      'tales: --from "soon" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms\n',
    );
    const closed = await closedPort();
    expect(await tales(['query', '-a', '1'], { TALES_URL: `http://127.0.0.1:${closed}` })).toEqual({
      code: 1,
      out: '',
      err: `tales: cannot reach http://127.0.0.1:${closed}: ECONNREFUSED (is the local stack running? start it with npm start)\n`,
    });
    expect((await tales(['import', 'missing.ndjson'])).err).toBe('tales: cannot read missing.ndjson: no such file (ENOENT)\n');
  });

  it('runs the examples of docs/local.md', async () => {
    const readme = await readFile('docs/local.md', 'utf8');
    const block = /## CLI[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] as string;
    await writeFile(join(local.dir, 'events.ndjson'), `${JSON.stringify({ actors: [12345], text: 'imported' })}\n`);
    // A new file under the name an earlier test imported: its progress file would refuse it.
    await rm(join(local.dir, 'events.ndjson.progress'), { force: true });
    const lines = block.split('\n').filter((line) => line.startsWith('npx tales '));
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      // Words, with "quoted" ones kept whole; a # starts a comment.
      const words = [...line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]) as string[];
      const run = await tales(words.slice(2));
      expect({ line, code: run.code, err: run.err.replace('no events\n', '') }).toEqual({ line, code: 0, err: '' });
    }
  });

  it('runs as the `tales` bin', async () => {
    const bin = join(process.cwd(), 'local/cli/tales.mjs');
    const { stdout } = await promisify(execFile)(bin, ['query', '--actor', '501', '--actor', '502'], {
      env: { ...process.env, TALES_URL: local.stack.url },
    });
    expect(stdout).toMatch(/^\S+Z {2}\[501, 502\] {2}Player met 502\n$/);
    const failed = await promisify(execFile)(bin, ['query', '--actor', '1', '--from', 'soon'], {
      env: { ...process.env, TALES_URL: local.stack.url },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('tales: --from "soon" is not a time') });
  });
});
