/**
 * A private redis-server on a free port with AOF on (appendfsync everysec, as production runs),
 * so a test can kill it, restart it on the same port and data, and never touch the developer's Redis.
 */
import IORedis, { type RedisOptions } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { ManagedProcess, freePort, removeDir, tempDir, waitFor } from './processes';

export class RedisServer {
  private process?: ManagedProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly logDir: string,
  ) {}

  static async start(logDir: string): Promise<RedisServer> {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('redis-server is not on PATH: install Redis (apt-get install redis-server) to run the fault suite');
    }
    const server = new RedisServer(await freePort(), tempDir('redis'), logDir);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process?.alive ?? false;
  }

  get pid(): number {
    return this.process?.pid ?? -1;
  }

  /** Starts (or restarts) the server on the same port and data directory; resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.running) return;
    this.process = new ManagedProcess(
      'redis-server',
      'redis-server',
      [
        '--port', String(this.port),
        '--bind', '127.0.0.1',
        '--dir', this.dir,
        '--save', '',
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
        '--maxmemory-policy', 'noeviction',
        '--protected-mode', 'no',
      ],
      { logDir: this.logDir },
    );
    await waitFor(`redis-server on port ${this.port}`, () => this.ping(), 10_000, 50);
  }

  /** SIGKILL: the process dies as in a crash; what was written to the AOF survives a restart. */
  async kill(): Promise<void> {
    this.thaw();
    await this.process?.stop('SIGKILL');
  }

  /** SIGSTOP: the server hangs with every connection open (a frozen host, a partition without resets). */
  freeze(): void {
    if (this.running) process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.running) this.process?.child.kill('SIGCONT');
  }

  /** Graceful stop (SIGTERM: flushes the AOF). */
  async stop(): Promise<void> {
    this.thaw();
    await this.process?.stop('SIGTERM');
  }

  async ping(): Promise<boolean> {
    const client = this.client({ retryStrategy: () => null, connectTimeout: 500 });
    try {
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** A plain client for assertions; the caller disconnects it. */
  client(options: RedisOptions = {}): IORedis {
    return new IORedis(this.port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: false, ...options });
  }

  async destroy(): Promise<void> {
    await this.stop();
    removeDir(this.dir);
  }
}
