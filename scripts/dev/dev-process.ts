/**
 * One app of the dev stack as a child process: its output through DevOutput, a readiness probe, and
 * a stop that waits for the app's own graceful shutdown before forcing it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DevOutput } from './dev-output';
import { DevStackError } from './dev-stack.error';
import type { Colour } from './terminal-style';

export interface DevProcessSpec {
  name: string;
  colour: Colour;
  /** The built entry point (dist/…/main.js). */
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Polled until it answers 2xx. */
  readyUrl: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const POLL_MS = 250;

export class DevProcess {
  private child?: ChildProcess;
  private exitStatus?: ExitStatus;
  readonly exited: Promise<ExitStatus>;
  private markExited!: (status: ExitStatus) => void;

  constructor(
    readonly spec: DevProcessSpec,
    private readonly output: DevOutput,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  get running(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  start(): void {
    const { spec } = this;
    // Its own process group: only the runner signals it, once, so the app's graceful shutdown is
    // not cut short by a second signal from the terminal.
    const child = spawn(process.execPath, ['--require', join(__dirname, 'parent-watch.js'), spec.entry], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream] }).on('line', (line) => {
        if (line.trim()) this.output.app(spec.name, spec.colour, line, stream);
      });
    }
    child.once('error', (error) => this.output.error(`${spec.name}: ${error.message}`));
    child.once('exit', (code, signal) => {
      this.exitStatus = { code, signal };
      this.markExited(this.exitStatus);
    });
  }

  /** Resolves once `readyUrl` answers 2xx; rejects when the process exits first or time runs out. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exitStatus) {
        throw new DevStackError(`${this.spec.name} exited during start (${describeExit(this.exitStatus)}): see its output above`);
      }
      try {
        const res = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.ok) return;
        lastProblem = `${this.spec.readyUrl} answered ${res.status}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await Promise.race([sleep(POLL_MS), this.exited]);
    }
    throw new DevStackError(`${this.spec.name} not ready within ${timeoutMs / 1000} s (${lastProblem})`);
  }

  /** SIGTERM, then SIGKILL when the app has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.running) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      this.child?.kill(signal);
    }
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
