/**
 * Child processes for tests that need real servers of their own: free ports, spawning with a
 * captured log, readiness polling and a registry that kills whatever a test left running.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port the OS reports free right now (closed again before it is handed out). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `axp-${label}-`));
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

/** A spawned process whose output goes to a log file; remembered so `killAll` can clean up. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly log: WriteStream;
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions & { logDir: string },
  ) {
    const { logDir, ...spawnOptions } = options;
    this.logPath = join(logDir, `${name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    this.child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(this.log, { end: false });
    this.child.stderr?.pipe(this.log, { end: false });
    this.child.once('close', () => this.closeLog());
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        running.delete(this);
        resolve({ code, signal });
      });
      this.child.once('error', (error) => {
        this.log.write(`spawn error: ${error.message}\n`);
        this.exitInfo = { code: -1, signal: null };
        running.delete(this);
        resolve({ code: -1, signal: null });
      });
    });
    running.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Sends `signal` and waits for the exit; escalates to SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last `lines` lines of the process's output (for failure messages). */
  tail(lines = 40): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Resident set size in bytes, from /proc (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  }

  closeLog(): void {
    if (!this.log.writableEnded) this.log.end();
  }
}

const running = new Set<ManagedProcess>();
// A test run that ends abruptly (timeout, Ctrl-C) must not leave servers behind.
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

/** SIGKILLs every process started through ManagedProcess that is still running. */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const p of left) p.child.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
  for (const p of left) p.closeLog();
}

/** True when an HTTP GET of `url` answers with a status accepted by `ok`. */
export async function httpStatus(url: string, timeoutMs = 2_000): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status;
}
