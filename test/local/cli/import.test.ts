import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_ATTEMPTS } from '../../../local/cli/import/import-run';
import type { CliIo } from '../../../local/cli/io';
import { runCli } from '../../../local/cli/main';
import { runCaptured } from '../../support/cli-io';
import { tempDataDir } from '../../support/local-stack';

/**
 * An ingest endpoint on a loopback port that keeps what it accepts (the oracle), in order. `failFrom`
 * makes request n and later answer 500; `throttle` answers kinesis_throttled for an event while its
 * text is listed; `onRequest` sees each request's number before it is answered.
 */
class FakeIngest {
  readonly stored: string[] = [];
  requests = 0;
  failFrom = Number.POSITIVE_INFINITY;
  throttle = new Map<string, number>();
  onRequest: (n: number) => void = () => {};
  private readonly server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const n = ++this.requests;
      this.onRequest(n);
      if (n >= this.failFrom) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
        return;
      }
      const failed: { index: number; code: string; message: string }[] = [];
      body.split('\n').forEach((line, index) => {
        const { text } = JSON.parse(line) as { text: string };
        const throttled = this.throttle.get(text) ?? 0;
        if (throttled > 0) {
          this.throttle.set(text, throttled - 1);
          failed.push({ index, code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later' });
        } else {
          this.stored.push(text);
        }
      });
      const accepted = body.split('\n').length - failed.length;
      response.writeHead(failed.length > 0 ? 207 : 202, { 'content-type': 'application/json' });
      response.end(JSON.stringify(failed.length > 0 ? { accepted, failed } : { accepted }));
    });
  });

  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const event = (i: number) => JSON.stringify({ actors: [7], text: `e${i}` });
const texts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `e${from + i}`);

describe('tales import', () => {
  const data = tempDataDir();
  const ingest = new FakeIngest();
  const delays: number[] = [];
  beforeAll(() => ingest.start());
  afterAll(async () => {
    await ingest.close();
    data.remove();
  });
  afterEach(() => {
    ingest.stored.length = 0;
    ingest.requests = 0;
    ingest.failFrom = Number.POSITIVE_INFINITY;
    ingest.throttle.clear();
    ingest.onRequest = () => {};
    delays.length = 0;
  });

  let files = 0;
  async function ndjson(count: number): Promise<{ name: string; path: string; progress: string }> {
    const name = `events-${++files}.ndjson`;
    const path = join(data.dir, name);
    await writeFile(path, `${Array.from({ length: count }, (_, i) => event(i)).join('\n')}\n`);
    return { name, path, progress: `${path}.progress` };
  }

  const tales = (args: string[], io: Partial<CliIo> = {}) =>
    runCaptured((cli) => runCli(args, cli), {
      env: { TALES_URL: ingest.url },
      cwd: data.dir,
      signal: new AbortController().signal,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...io,
    });

  it('resumes after the ingest fails mid-file: every event exactly once, in order; a rerun at the end sends nothing', async () => {
    const file = await ndjson(95);
    ingest.failFrom = 4;
    expect(await tales(['import', file.name, '--batch', '10'])).toEqual({
      code: 1,
      out: `imported ${file.name}: 30 accepted, 0 failed\n`,
      err:
        `tales: ${ingest.url} answered 500 internal: internal error; stopped before line 31 of ${file.name}: ` +
        `run the same command again to resume (progress in ${file.progress})\n`,
    });
    expect(ingest.stored).toEqual(texts(0, 30));

    ingest.failFrom = Number.POSITIVE_INFINITY;
    expect(await tales(['import', file.name, '--batch', '10'])).toEqual({
      code: 0,
      out: `resuming ${file.name} after line 30 (${file.progress})\nimported ${file.name}: 65 accepted, 0 failed\n`,
      err: '',
    });
    expect(ingest.stored).toEqual(texts(0, 95));

    const requests = ingest.requests;
    expect((await tales(['import', file.name])).out).toBe(
      `resuming ${file.name} after line 95 (${file.progress})\nimported ${file.name}: 0 accepted, 0 failed\n`,
    );
    expect(ingest.requests).toBe(requests);

    await appendFile(file.path, `${event(95)}\n${event(96)}\n`);
    expect((await tales(['import', file.name])).out).toBe(
      `resuming ${file.name} after line 95 (${file.progress})\nimported ${file.name}: 2 accepted, 0 failed\n`,
    );
    expect(ingest.stored).toEqual(texts(0, 97));
  });

  it('stops after the request under way when interrupted, and resumes from there', async () => {
    const file = await ndjson(50);
    const interrupt = new AbortController();
    ingest.onRequest = (n) => {
      if (n === 2) interrupt.abort();
    };
    const first = await tales(['import', file.name, '--batch', '10'], { signal: interrupt.signal });
    expect(first).toMatchObject({
      code: 1,
      err: `tales: interrupted; stopped before line 21 of ${file.name}: run the same command again to resume (progress in ${file.progress})\n`,
    });
    expect(ingest.stored).toEqual(texts(0, 20));
    expect((await tales(['import', file.name, '--batch', '10'])).code).toBe(0);
    expect(ingest.stored).toEqual(texts(0, 50));
  });

  it('resends the events the stream failed retryably, ahead of later lines, after a backoff', async () => {
    const file = await ndjson(20);
    ingest.throttle = new Map([
      ['e3', 1],
      ['e7', 2],
    ]);
    expect((await tales(['import', file.name, '--batch', '10'])).out).toBe(`imported ${file.name}: 20 accepted, 0 failed\n`);
    // e3 and e7 go ahead of e10.., e7 (failed twice) ahead of e18 too.
    expect(ingest.stored).toEqual([...texts(0, 10).filter((t) => t !== 'e3' && t !== 'e7'), 'e3', ...texts(10, 18), 'e7', 'e18', 'e19']);
    expect(delays).toHaveLength(2);
  });

  it(`counts an event failed after ${MAX_LINE_ATTEMPTS} requests the stream failed it in`, async () => {
    const file = await ndjson(3);
    ingest.throttle = new Map([['e1', 100]]);
    const run = await tales(['import', file.name]);
    expect(run).toEqual({
      code: 1,
      out: `imported ${file.name}: 2 accepted, 1 failed\n  line 2: kinesis_throttled: the stream is over its throughput; retry later\n`,
      err: `tales: 1 event of ${file.name} failed\n`,
    });
    expect(ingest.requests).toBe(MAX_LINE_ATTEMPTS);
  });

  it('keeps lines the stream failed retryably in the progress file, so an interruption loses none', async () => {
    const file = await ndjson(20);
    ingest.throttle = new Map([['e5', 1]]);
    ingest.failFrom = 2;
    expect((await tales(['import', file.name, '--batch', '10'])).code).toBe(1);
    expect(JSON.parse(await readFile(file.progress, 'utf8'))).toMatchObject({
      offset: 270,
      lines: 10,
      carry: [{ number: 6, text: event(5) }],
    });
    ingest.failFrom = Number.POSITIVE_INFINITY;
    expect((await tales(['import', file.name, '--batch', '10'])).code).toBe(0);
    expect([...ingest.stored].sort()).toEqual(texts(0, 20).sort());
    expect(ingest.stored).toHaveLength(20);
  });

  it('refuses to resume on an input that does not begin with what was imported', async () => {
    const file = await ndjson(20);
    ingest.failFrom = 2;
    await tales(['import', file.name, '--batch', '10']);
    await writeFile(file.path, `${JSON.stringify({ actors: [7], text: 'changed' })}\n${event(1)}\n`);
    ingest.failFrom = Number.POSITIVE_INFINITY;
    expect(await tales(['import', file.name, '--batch', '10'])).toEqual({
      code: 1,
      out: `resuming ${file.name} after line 10 (${file.progress})\n`,
      err: `tales: ${file.name} does not begin with the 270 bytes imported before (as ${file.progress} records): delete that file to import ${file.name} from the start\n`,
    });
    await writeFile(file.progress, '{"offset":"x"}');
    expect((await tales(['import', file.name])).err).toBe(
      `tales: ${file.progress} is not a tales import progress file: delete it to import from the start\n`,
    );
  });

  it('reads standard input for -, resuming with --progress', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${event(i)}\r\n`);
    const stdin = () => Readable.from(lines.map((l) => Buffer.from(l)));
    expect(await tales(['import', '-'], { stdin: stdin() })).toEqual({ code: 0, out: 'imported stdin: 30 accepted, 0 failed\n', err: '' });
    expect(ingest.stored).toEqual(texts(0, 30));

    ingest.stored.length = 0;
    ingest.failFrom = ingest.requests + 2;
    const progress = join(data.dir, 'stdin.progress');
    expect((await tales(['import', '-', '--batch', '10', '--progress', 'stdin.progress'], { stdin: stdin() })).code).toBe(1);
    ingest.failFrom = Number.POSITIVE_INFINITY;
    expect(await tales(['import', '-', '--batch', '10', '--progress', 'stdin.progress'], { stdin: stdin() })).toEqual({
      code: 0,
      out: `resuming stdin after line 10 (${progress})\nimported stdin: 20 accepted, 0 failed\n`,
      err: '',
    });
    expect(ingest.stored).toEqual(texts(0, 30));
  });

  it('says an import from stdin without --progress cannot resume', async () => {
    ingest.failFrom = 1;
    expect((await tales(['import', '-'], { stdin: Readable.from([`${event(0)}\n`]) })).err).toBe(
      `tales: ${ingest.url} answered 500 internal: internal error; stopped before line 1 of stdin: an import from stdin resumes only with --progress FILE\n`,
    );
  });

  it('names why a file cannot be read', async () => {
    expect((await tales(['import', 'missing.ndjson'])).err).toBe('tales: cannot read missing.ndjson: no such file (ENOENT)\n');
    await mkdir(join(data.dir, 'folder'));
    expect((await tales(['import', 'folder'])).err).toBe('tales: cannot read folder: it is a directory (EISDIR)\n');
    if (process.getuid?.() !== 0) {
      await writeFile(join(data.dir, 'secret.ndjson'), `${event(0)}\n`);
      await chmod(join(data.dir, 'secret.ndjson'), 0o000);
      expect((await tales(['import', 'secret.ndjson'])).err).toBe('tales: cannot read secret.ndjson: permission denied (EACCES)\n');
    }
  });
});
