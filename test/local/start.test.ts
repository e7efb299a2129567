import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStackError, PortInUseError } from '../../local/errors';
import { readRunningStack } from '../../local/stack-file';
import { startTestStack, tempDataDir, waitUntil } from '../support/local-stack';

const run = promisify(execFile);

/** `npm start`'s command line, run directly (npm would put its own lines around the output). */
function npmStart(env: Record<string, string>): {
  child: ChildProcess;
  output: { out: string; err: string };
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, TALES_LOG_LEVEL: 'SILENT', ...env },
  });
  const output = { out: '', err: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output, exited };
}

/** The commands of a shell block: lines ending in `\` or `|` continue on the next. */
function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    current += `${line}\n`;
    if (!/[\\|]\s*$/.test(line)) {
      commands.push(current);
      current = '';
    }
  }
  return commands;
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('npm start', () => {
  let data: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    data = tempDataDir();
  });
  afterEach(() => data.remove());

  it("prints the URLs, answers the banner's and docs/local.md's curl examples, and stops cleanly on Ctrl-C", async () => {
    const { child, output, exited } = npmStart({ TALES_PORT: '0', TALES_DATA_DIR: data.dir, TALES_BATCH_WINDOW_MS: '100' });
    try {
      await waitUntil('the banner', async () => output.out.includes('Press Ctrl-C to stop'));
      const url = /Ingest {3}POST (http:\/\/127\.0\.0\.1:\d+)\/events/.exec(output.out)?.[1] as string;
      expect(output.out).toContain(`Tales is running locally: data in ${data.dir}`);
      expect(output.out).toContain(`Health   GET  ${url}/health`);

      const banner = shellCommands(
        output.out.slice(output.out.indexOf('Try it')).split('\n').slice(1).join('\n').split('\n\n')[0] as string,
      );
      expect(banner[0]).toMatch(/^ {2}curl -X POST/);
      expect((await run('bash', ['-c', banner[0] as string])).stdout).toBe('{"accepted":1}');

      const readme = await readFile('docs/local.md', 'utf8');
      const block = /## Local mode[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] as string;
      const commands = shellCommands(block.replaceAll('http://127.0.0.1:7700', url));
      const sh = async (command: string) => (await run('bash', ['-c', command])).stdout;
      expect(await sh(commands[0] as string)).toBe('{"accepted":1}');
      expect(await sh(commands[1] as string)).toBe('{"accepted":2}');
      await waitUntil('the events', async () => (JSON.parse(await sh(commands[2] as string)).events as unknown[]).length === 2);
      const pair = JSON.parse(await sh(commands[2] as string)) as { events: { actors: number[]; text: string }[] };
      expect(pair.events.map((e) => [e.actors, e.text])).toEqual([
        [[12345, 67890], 'Player attacked monster'],
        [[12345, 67890], 'Player attacked monster'],
      ]);
      // Two events name 12345 by now, so a page of one has a next.
      expect(JSON.parse(await sh(commands[3] as string))).toEqual({
        events: [{ time: expect.any(Number), actors: [12345, 67890], text: 'Player attacked monster' }],
        next: expect.any(String),
      });
      expect(await sh(commands[4] as string)).toBe('{"ok":true}');
      await waitUntil('the NDJSON events', async () => (await (await fetch(`${url}/events?actors=67890`)).text()).includes('Monster died'));
      expect(commands).toHaveLength(5);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output.out).toMatch(/Stopping: finishing the batches in flight and writing checkpoints…\nStopped.\n$/);
    const checkpoints = JSON.parse(await readFile(join(data.dir, 'checkpoints.json'), 'utf8'));
    expect(Object.keys(checkpoints.shards).length).toBeGreaterThan(0);
    expect(existsSync(join(data.dir, 'stack.json'))).toBe(false);
  });

  it('refuses a port in use with a clear message and exit code 1', async () => {
    const { port, server } = await occupiedPort();
    try {
      const { output, exited } = npmStart({ TALES_PORT: String(port), TALES_DATA_DIR: data.dir });
      expect(await exited).toBe(1);
      expect(output.err).toContain(
        `tales: port ${port} on 127.0.0.1 is already in use (is another tales stack running?); set TALES_PORT to use another port\n`,
      );
      expect(existsSync(join(data.dir, 'kinesis'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('names a bad variable', async () => {
    const { output, exited } = npmStart({ TALES_PORT: '70000', TALES_DATA_DIR: data.dir });
    expect(await exited).toBe(1);
    expect(output.err).toContain('tales: Environment variable TALES_PORT must be an integer in 0..65535 (given "70000")\n');
  });
});

/** Whether a process runs (or is a zombie not yet reaped): signal 0 checks without sending anything. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a TCP port on loopback can be listened on again. */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise((resolve) => server.close(resolve));
  return listening;
}

describe('npm start, signalled through npm', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('fails if %s sent to the npm process leaves the stack running', async (signal) => {
    const data = tempDataDir();
    // GIVEN `npm start` itself (npm, its shell, then node), as a user runs it
    const npm = spawn('npm', ['start'], {
      env: { ...process.env, TALES_PORT: '0', TALES_DATA_DIR: data.dir, TALES_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    npm.stderr?.resume();
    const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
    let stackPid: number | undefined;
    try {
      await waitUntil('the banner', async () => out.includes('Press Ctrl-C to stop'), 60_000);
      const running = await readRunningStack(data.dir);
      stackPid = running?.pid;
      const port = Number(new URL(running?.url ?? 'http://x').port);
      expect(stackPid).not.toBe(npm.pid);
      expect(await isFree(port)).toBe(false);
      // WHEN the npm process alone is signalled
      npm.kill(signal);
      await exited;
      // THEN the stack has stopped: its process is gone, its port and its data dir are free
      await waitUntil('the stack process to end', async () => !isRunning(stackPid as number), 15_000);
      expect(await isFree(port)).toBe(true);
      expect(await readRunningStack(data.dir)).toBeUndefined();
      expect(existsSync(join(data.dir, 'stack.json'))).toBe(false);
    } finally {
      if (stackPid !== undefined && isRunning(stackPid)) process.kill(stackPid, 'SIGKILL');
      if (npm.exitCode === null) npm.kill('SIGKILL');
      data.remove();
    }
  });
});

describe('startLocalStack', () => {
  it('rejects a port in use with a PortInUseError', async () => {
    const data = tempDataDir();
    const { port, server } = await occupiedPort();
    try {
      const starting = startTestStack(data.dir, { port });
      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      await expect(starting).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      server.close();
      data.remove();
    }
  });

  it('refuses a data dir that a running stack uses', async () => {
    const data = tempDataDir();
    const stack = await startTestStack(data.dir);
    try {
      const second = startTestStack(data.dir);
      await expect(second).rejects.toBeInstanceOf(LocalStackError);
      await expect(second).rejects.toThrow(`${data.dir} is in use by the tales stack at ${stack.url} (process ${process.pid})`);
      // The refused stack let go of its port and left the running one alone.
      expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    } finally {
      await stack.stop();
      data.remove();
    }
  });
});
