/**
 * One scenario's world: its own redis-server, Postgres cluster and FCM emulator process, plus the
 * built ingest and dispatcher apps as child processes, all on free ports and temp dirs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, Queue } from 'bullmq';
import { tokenHash } from '@app/persistence';
import { NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue';
import { PostgresCluster } from '../../support/postgres-cluster';
import { ManagedProcess, freePort, httpStatus, killAll, removeDir, tempDir, waitFor } from '../../support/processes';
import { RedisServer } from '../../support/redis-server';
import { TEST_API_KEY, TEST_SECRET, uniquePrefix } from '../../support/test-config';
import { EmulatorClient, type EmulatorRequest } from './emulator-client';

const ROOT = join(__dirname, '../../..');
/** The built apps (`npm run build`); FAULTS_DIST_DIR points elsewhere, e.g. at a private build. */
const DIST = process.env.FAULTS_DIST_DIR ?? join(ROOT, 'dist');
export const ENTRIES = {
  ingest: join(DIST, 'apps/ingest/src/main.js'),
  dispatcher: join(DIST, 'apps/dispatcher/src/main.js'),
  admin: join(DIST, 'apps/admin/src/main.js'),
  emulator: join(DIST, 'tools/fcm-emulator/src/main.js'),
  migrate: join(DIST, 'libs/persistence/src/cli/migrate.js'),
} as const;

export type Env = Record<string, string>;

/** How long an app may take to answer /health/live; a loaded CI machine may need FAULTS_START_TIMEOUT_MS. */
const START_TIMEOUT_MS = Number(process.env.FAULTS_START_TIMEOUT_MS ?? 30_000);

/** The ingest's V8 heap cap in the Dockerfile and docker-compose.yml. */
const INGEST_NODE_ARGS = ['--max-old-space-size=192'];

function assertBuilt(name: keyof typeof ENTRIES): void {
  if (!existsSync(ENTRIES[name])) throw new Error(`${name} is not built (${ENTRIES[name]}): run npm run build first`);
}

export class AppProcess extends ManagedProcess {
  constructor(
    name: string,
    script: string,
    readonly port: number,
    env: NodeJS.ProcessEnv,
    logDir: string,
    nodeArgs: string[] = [],
  ) {
    super(name, process.execPath, [...nodeArgs, script], { env, logDir, cwd: ROOT });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async status(path: string, timeoutMs = 2_000): Promise<number> {
    return httpStatus(`${this.url}${path}`, timeoutMs);
  }

  async json<T>(path: string, timeoutMs = 3_000): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: (await response.json()) as T };
  }
}

export interface Session {
  sessionId: string;
  tokens: string[];
}

export class FaultStack {
  /** A scenario on a Redis Cluster passes QUEUE_PREFIX with a hash tag. */
  readonly prefix: string;
  /** Where the assertion helpers find the queue; a Sentinel or Cluster scenario points it at its group. */
  queueConnection?: ConnectionOptions;
  private counter = 0;
  private readonly apps: AppProcess[] = [];

  private constructor(
    readonly label: string,
    /** Environment every app of this stack gets (the retry policy is fixed by the ingest when it creates a job). */
    private readonly sharedEnv: Env,
    readonly logDir: string,
    readonly redis: RedisServer,
    readonly postgres: PostgresCluster,
    readonly databaseUrl: string,
    readonly emulatorProcess: AppProcess,
    readonly emulator: EmulatorClient,
  ) {
    this.prefix = sharedEnv.QUEUE_PREFIX ?? uniquePrefix('faults');
  }

  static async start(label: string, sharedEnv: Env = {}): Promise<FaultStack> {
    for (const name of ['ingest', 'emulator', 'migrate'] as const) assertBuilt(name);
    const logDir = tempDir(`faults-${label}`);
    const started = await Promise.allSettled([RedisServer.start(logDir), PostgresCluster.start(logDir)]);
    const [redis, postgres] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [RedisServer?, PostgresCluster?];
    try {
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed || !redis || !postgres) throw failed?.reason ?? new Error('a store did not start');
      const databaseUrl = await postgres.createDatabase('axp_faults');
      execFileSync(process.execPath, [ENTRIES.migrate], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
      const emulatorPort = await freePort();
      const emulatorProcess = new AppProcess(
        'fcm-emulator',
        ENTRIES.emulator,
        emulatorPort,
        { PATH: process.env.PATH, FCM_EMULATOR_PORT: String(emulatorPort), FCM_EMULATOR_MAX_RECORDED: '200000' },
        logDir,
      );
      await waitFor('the FCM emulator', async () => (await emulatorProcess.status('/health')) === 200);
      return new FaultStack(label, sharedEnv, logDir, redis, postgres, databaseUrl, emulatorProcess, new EmulatorClient(emulatorProcess.url));
    } catch (error) {
      await killAll();
      await Promise.all([redis?.destroy(), postgres?.destroy()]);
      process.stdout.write(`[faults] ${label} did not start; logs kept in ${logDir}\n`);
      throw error;
    }
  }

  /** Environment shared by the apps: this stack's services, quiet logs, small retry delays. */
  baseEnv(extra: Env = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      REDIS_URL: this.redis.url,
      DATABASE_URL: this.databaseUrl,
      QUEUE_PREFIX: this.prefix,
      AXP_SECRET: TEST_SECRET,
      REGISTRATION_API_KEYS: TEST_API_KEY,
      FCM_EMULATOR_HOST: `127.0.0.1:${this.emulatorProcess.port}`,
      FCM_PROJECT_ID: 'demo-axp-faults',
      DISPATCH_BACKOFF_MS: '200',
      ...this.sharedEnv,
      ...extra,
    };
  }

  async startIngest(env: Env = {}): Promise<AppProcess> {
    // With the heap cap of the Dockerfile and docker-compose.yml: the ingest as it is deployed.
    return this.startApp('ingest', ENTRIES.ingest, env, INGEST_NODE_ARGS);
  }

  async startDispatcher(env: Env = {}): Promise<AppProcess> {
    return this.startApp('dispatcher', ENTRIES.dispatcher, env);
  }

  async startAdmin(env: Env = {}): Promise<AppProcess> {
    return this.startApp('admin', ENTRIES.admin, { ADMIN_USERNAME: 'faults', ADMIN_PASSWORD: 'faults-admin-pw', ...env });
  }

  private async startApp(kind: 'ingest' | 'dispatcher' | 'admin', script: string, env: Env, nodeArgs: string[] = []): Promise<AppProcess> {
    assertBuilt(kind);
    const port = await freePort();
    const app = new AppProcess(`${kind}-${++this.counter}`, script, port, this.baseEnv({ PORT: String(port), ...env }), this.logDir, nodeArgs);
    this.apps.push(app);
    try {
      await waitFor(`${app.name} to answer /health/live`, async () => {
        if (!app.alive) throw new Error(`${app.name} exited: ${JSON.stringify(app.exitStatus)}`);
        return (await app.status('/health/live')) === 200;
      }, START_TIMEOUT_MS, 200);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${app.name} log ---\n${app.tail()}`);
    }
    return app;
  }

  /** Registers `count` sessions with `tokensPerSession` tokens each, straight into Postgres. */
  async seedSessions(count: number, tokensPerSession = 1, configId = 'default'): Promise<Session[]> {
    const sessions: Session[] = Array.from({ length: count }, (_, i) => ({
      sessionId: `${this.label}-session-${i}-${Math.random().toString(36).slice(2, 8)}`,
      tokens: Array.from({ length: tokensPerSession }, (_, t) => `fault-${this.label}-${i}-${t}-${Math.random().toString(36).slice(2, 10)}`),
    }));
    const rows = sessions.flatMap((s) => s.tokens.map((token) => [configId, token, tokenHash(token), s.sessionId]));
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const values = chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}, now() + interval '1 day')`);
      await this.postgres.query(
        'axp_faults',
        `INSERT INTO registrations (config_id, device_token, token_hash, session_id, expires_at) VALUES ${values.join(', ')}`,
        chunk.flat(),
      );
    }
    return sessions;
  }

  /** A BullMQ queue of this stack, for assertions; the caller closes it. */
  queue<T = unknown>(name: string): Queue<T> {
    const connection = this.queueConnection ?? { host: '127.0.0.1', port: this.redis.port, maxRetriesPerRequest: 1 };
    return new Queue<T>(name, { connection, prefix: this.prefix });
  }

  /**
   * How many of these accepted sends the delivery ledger still shows as claimed, not delivered: right
   * after a dispatcher dies, exactly the sends FCM took whose 'delivered' mark was never written.
   * The hash and field are the dispatcher's (DeliveryLedger.key/field): one hash per event under
   * prefix and job id, one field per device (the first 16 characters of the token's sha256).
   */
  async sendsStillClaimed(requests: EmulatorRequest[], configId = 'default'): Promise<number> {
    if (requests.length === 0) return 0;
    const redis = this.redis.client();
    try {
      const values = await Promise.all(
        requests.map((r) =>
          redis.hget(
            `${this.prefix}:ledger:${notificationJobId(configId, r.message.data?.eventId ?? '')}`,
            createHash('sha256').update(r.token).digest('base64url').slice(0, 16),
          ),
        ),
      );
      return values.filter((v) => v !== null && v !== 'd').length;
    } finally {
      redis.disconnect();
    }
  }

  /** Job counts of a queue of this stack (the notifications queue by default). */
  async jobCounts(name: string = NOTIFICATIONS_QUEUE): Promise<Record<string, number>> {
    const queue = this.queue(name);
    try {
      return await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    } finally {
      await queue.close();
    }
  }

  /** The most attempts a completed notification job needed (1 = delivered at once). */
  async mostAttemptsOfCompleted(): Promise<number> {
    const queue = this.queue(NOTIFICATIONS_QUEUE);
    try {
      const jobs = await queue.getJobs(['completed']);
      return jobs.reduce((max, job) => Math.max(max, job.attemptsMade), 0);
    } finally {
      await queue.close();
    }
  }

  /** Jobs of the notifications queue not yet finished (waiting, running, backing off). */
  async unfinishedJobs(): Promise<number> {
    const { wait, active, delayed, prioritized } = await this.jobCounts();
    return wait + active + delayed + prioritized;
  }

  /** Resolves once the outbox is empty and every job is finished: nothing more can reach the emulator. */
  async quiet(timeoutMs: number): Promise<void> {
    await waitFor('the outbox and the queue to empty', async () => (await this.outboxCount()) === 0 && (await this.unfinishedJobs()) === 0, timeoutMs, 500);
  }

  async outboxCount(): Promise<number> {
    const [row] = await this.postgres.query<{ n: number }>('axp_faults', 'SELECT count(*)::int AS n FROM outbox');
    return row.n;
  }

  /** Stops every process of the scenario and removes its data; the logs stay when `keepLogs`. */
  async destroy(keepLogs = false): Promise<void> {
    await Promise.all([...this.apps, this.emulatorProcess].map((p) => p.stop('SIGKILL')));
    const stores = await Promise.allSettled([this.redis.destroy(), this.postgres.destroy()]);
    await killAll();
    for (const s of stores) if (s.status === 'rejected') process.stdout.write(`[faults] clean-up: ${String(s.reason)}\n`);
    if (!keepLogs) removeDir(this.logDir);
    else process.stdout.write(`[faults] logs of ${this.label} kept in ${this.logDir}\n`);
  }
}
