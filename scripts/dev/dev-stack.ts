/**
 * Brings the dev stack up in order (Postgres, migrations, FCM emulator, the three apps) and down in
 * the reverse order, once, whatever asked for it: Ctrl-C, SIGTERM, or an app that died.
 */
import { join } from 'node:path';
import { type BackendPlan, planBackends } from './backend-plan';
import { bannerLines } from './dev-banner';
import { ensureDatabase, migrate, prepareQueueSchema } from './dev-database';
import type { DevOutput } from './dev-output';
import { describeExit, DevProcess } from './dev-process';
import { DEV_DATABASE_NAME, type DevSettings, type Env } from './dev-settings';
import { DevStackError } from './dev-stack.error';
import { type EmbeddedPostgres, embeddedPostgresSupport, startEmbeddedPostgres } from './embedded-postgres';
import type { Colour } from './terminal-style';

export interface DevStackOptions {
  embedded: boolean;
  /** How long each app may take to answer its readiness URL. */
  startTimeoutMs: number;
}

const EMBEDDED_PASSWORD = 'postgres';
const APP_STOP_GRACE_MS = 10_000;

export class DevStack {
  private readonly processes: DevProcess[] = [];
  private postgres?: EmbeddedPostgres;
  private stopping?: Promise<void>;

  constructor(
    private readonly settings: DevSettings,
    private readonly env: Env,
    private readonly output: DevOutput,
    private readonly options: DevStackOptions,
  ) {}

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Starts everything, in order; resolves once every app answers its health route. */
  async start(): Promise<void> {
    const { settings, output } = this;
    const plan = await planBackends(this.env, settings, { embedded: this.options.embedded });
    output.info(`Postgres: ${plan.database.kind} (${plan.database.reason})`);
    output.info(`Queue: ${plan.queue.backend === 'redis' ? 'Redis' : "BullMQ's PostgreSQL backend"} (${plan.queue.reason})`);
    const databaseUrl = await this.prepareDatabase(plan);
    this.checkNotStopping();

    const env = this.childEnv(plan, databaseUrl);
    const { ports, urls, host } = settings;
    const emulator = this.spawn('fcm-emulator', 'green', 'tools/fcm-emulator/src/main.js', env, `${urls.emulator}/__emulator/stats`);
    await this.waitReady(emulator);
    this.checkNotStopping();
    const apps = [
      this.spawn('ingest', 'cyan', 'apps/ingest/src/main.js', { ...env, PORT: String(ports.ingest) }, `${urls.ingest}/health/live`),
      this.spawn(
        'dispatcher',
        'magenta',
        'apps/dispatcher/src/main.js',
        { ...env, PORT: String(ports.dispatcher) },
        `http://${host}:${ports.dispatcher}/health/live`,
      ),
      this.spawn('admin', 'yellow', 'apps/admin/src/main.js', { ...env, PORT: String(ports.admin) }, `${urls.admin}/health/live`),
    ];
    await Promise.all(apps.map((app) => this.waitReady(app)));
    this.checkNotStopping();
    output.info(...bannerLines({ settings, plan, databaseUrl, embeddedDataDir: this.postgres?.dataDir }));
  }

  /** Waits for one process to answer its readiness URL, then says so in one line. */
  private async waitReady(process: DevProcess): Promise<void> {
    const startedAt = Date.now();
    await process.waitReady(this.options.startTimeoutMs);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    this.output.info(`${process.spec.name} ready on ${new URL(process.spec.readyUrl).origin} (${seconds} s)`);
  }

  /** The first process of the stack to exit (after a start, any exit is unexpected). */
  firstExit(): Promise<DevProcess> {
    return Promise.race(this.processes.map((p) => p.exited.then(() => p)));
  }

  private checkNotStopping(): void {
    if (this.stopping) throw new DevStackError('stopped during start');
  }

  private async prepareDatabase(plan: BackendPlan): Promise<string> {
    const { output } = this;
    let url: string;
    if (plan.database.kind === 'configured') {
      url = plan.database.url;
    } else {
      const adminUrl = plan.database.kind === 'local' ? plan.database.adminUrl : await this.startPostgres();
      this.checkNotStopping();
      const database = await ensureDatabase(adminUrl, DEV_DATABASE_NAME);
      if (database.created) output.info(`created database ${DEV_DATABASE_NAME}`);
      url = database.url;
    }
    const applied = await migrate(url);
    output.info(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
    if (plan.queue.backend === 'postgres') await prepareQueueSchema(url);
    return url;
  }

  private async startPostgres(): Promise<string> {
    const { output, settings } = this;
    const support = embeddedPostgresSupport(settings.rootDir);
    if (!support.ok) {
      throw new DevStackError(
        `${support.reason}. Install and start PostgreSQL (DATABASE_URL), or run the stack on Docker (see the README).`,
      );
    }
    const dataDir = join(settings.dataDir, 'postgres');
    output.info(`starting the embedded PostgreSQL ${support.version} on 127.0.0.1:${settings.ports.postgres} (data in ${dataDir})`);
    this.postgres = await startEmbeddedPostgres(
      {
        rootDir: settings.rootDir,
        dataDir,
        port: settings.ports.postgres,
        password: EMBEDDED_PASSWORD,
        onLine: (line) => output.postgres(line),
      },
      support,
    );
    if (this.postgres.initialised) output.info(`created a new Postgres cluster in ${dataDir}`);
    for (const note of this.postgres.notes) output.info(note);
    return this.postgres.adminUrl;
  }

  /** The environment every child gets: the dev defaults, overridable from the runner's own env. */
  private childEnv(plan: BackendPlan, databaseUrl: string): NodeJS.ProcessEnv {
    const { settings } = this;
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      NODE_ENV: this.env.NODE_ENV ?? 'development',
      LOG_LEVEL: this.env.LOG_LEVEL ?? 'info',
      // The dev credentials are public: listen on loopback unless asked otherwise.
      HOST: this.env.HOST ?? settings.host,
      DATABASE_URL: databaseUrl,
      QUEUE_BACKEND: plan.queue.backend,
      QUEUE_PREFIX: settings.queuePrefix,
      AXP_CONFIG_ID: settings.configId,
      AXP_SECRET: this.env.AXP_SECRET ?? settings.axpSecret,
      REGISTRATION_API_KEYS: this.env.REGISTRATION_API_KEYS ?? settings.apiKey,
      ADMIN_USERNAME: settings.admin.username,
      ADMIN_PASSWORD: settings.admin.password,
      FCM_EMULATOR_HOST: `${settings.host}:${settings.ports.emulator}`,
      FCM_EMULATOR_PORT: String(settings.ports.emulator),
      FCM_EMULATOR_BIND: settings.host,
      FCM_PROJECT_ID: settings.fcmProjectId,
    };
    // Plain output (a pipe, a file): apps that colour their logs by default should not either.
    if (!this.output.style.enabled) env.NO_COLOR ??= '1';
    if (plan.queue.backend === 'redis') env.REDIS_URL = plan.queue.redisUrl;
    else delete env.REDIS_URL;
    delete env.PORT;
    return env;
  }

  private spawn(name: string, colour: Colour, entry: string, env: NodeJS.ProcessEnv, readyUrl: string): DevProcess {
    const child = new DevProcess(
      { name, colour, entry: join(this.settings.rootDir, 'dist', entry), cwd: this.settings.rootDir, env, readyUrl },
      this.output,
    );
    this.processes.push(child);
    child.start();
    void child.exited.then((status) => {
      if (!this.stopping) this.output.error(`${name} stopped (${describeExit(status)})`);
    });
    return child;
  }

  /** Apps first (they finish in-flight work), then the emulator, then Postgres. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const emulator = this.processes.find((p) => p.spec.name === 'fcm-emulator');
      await Promise.all(this.processes.filter((p) => p !== emulator).map((p) => p.stop(APP_STOP_GRACE_MS)));
      await emulator?.stop(APP_STOP_GRACE_MS);
      if (this.postgres) {
        await this.postgres.stop();
        // Its own shutdown lines show only at LOG_LEVEL=debug: say that it is down.
        this.output.info('embedded Postgres stopped');
      }
    })();
    return this.stopping;
  }

  /** Second Ctrl-C: no more waiting. */
  kill(): void {
    for (const p of this.processes) p.kill();
    void this.postgres?.stop();
  }
}
