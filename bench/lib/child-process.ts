/**
 * Every server, worker and load generator of the benchmark runs in a child process of its own, so
 * no two share an event loop. All children are tracked here and killed on exit, even on Ctrl-C.
 */
import { type ChildProcess, fork } from 'node:child_process';

export interface ChildOptions {
  /** Name in messages and errors. */
  name: string;
  script: string;
  args?: string[];
  /** Added to a minimal environment (PATH, HOME), so the parent's app variables never leak in. */
  env?: Record<string, string>;
  execArgv?: string[];
}

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

const live = new Set<ChildHandle>();

export class ChildHandle {
  readonly exited: Promise<number | null>;
  private stderrTail = '';
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    live.add(this);
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        live.delete(this);
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines the child wrote to stderr, for error messages. */
  get stderr(): string {
    return this.stderrTail.trim();
  }

  send(message: ChildMessage): void {
    this.process.send?.(message);
  }

  /** Resolves with the first IPC message of `type`; rejects if the child exits or reports an error first. */
  waitFor<T extends ChildMessage>(type: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
      };
      const onMessage = (message: ChildMessage) => {
        if (message?.type === type) {
          cleanup();
          resolve(message as T);
        } else if (message?.type === 'error') {
          cleanup();
          reject(new Error(`${this.name}: ${String(message.message)}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (code ${code}) before '${type}'${this.stderr ? `:\n${this.stderr}` : ''}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms${this.stderr ? `:\n${this.stderr}` : ''}`));
      }, timeoutMs);
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts a Node script as a child with an IPC channel; stdout is discarded, stderr kept for errors. */
export function startChild(options: ChildOptions): ChildHandle {
  const child = fork(options.script, options.args ?? [], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  return new ChildHandle(options.name, child);
}

/** Kills whatever is still running (normal end, error or signal). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(5_000)));
}

/** Synchronous last resort for process 'exit': no awaiting possible there. */
export function killAllChildrenNow(): void {
  for (const child of live) child.process.kill('SIGKILL');
}
