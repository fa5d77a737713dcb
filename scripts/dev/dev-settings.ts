/**
 * The dev stack's defaults, shared by `npm run dev`, `npm run demo` and the quickstart test: ports,
 * the dev credentials and the URLs built from them. DEV_PORT_BASE moves every port at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;

export interface DevPorts {
  ingest: number;
  dispatcher: number;
  admin: number;
  emulator: number;
  /** The embedded Postgres (not 5432, so it never meets a local server). */
  postgres: number;
}

export interface DevSettings {
  rootDir: string;
  /** Embedded Postgres data and other local state (DEV_DATA_DIR, default `.data`). */
  dataDir: string;
  host: string;
  ports: DevPorts;
  configId: string;
  axpSecret: string;
  apiKey: string;
  admin: { username: string; password: string };
  fcmProjectId: string;
  queuePrefix: string;
  /** Used when the local services are probed (DEV_REDIS_URL / DEV_DATABASE_URL move them). */
  probe: { redisUrl: string; databaseUrl: string };
  urls: {
    ingest: string;
    callback: string;
    sampleCallback: string;
    registrations: string;
    openApi: string;
    admin: string;
    dashboard: string;
    emulator: string;
  };
}

export const DEFAULT_PORTS: DevPorts = { ingest: 3000, dispatcher: 3001, admin: 3002, emulator: 9099, postgres: 5433 };
export const DEV_DATABASE_NAME = 'axp_push_dev';

/** The dev values are public (printed, documented): fine on a laptop, never in a deployment. */
const DEV_SECRET = 'dev-axp-secret';
const DEV_API_KEY = 'dev-registration-key';
const DEV_ADMIN = { username: 'admin', password: 'admin' };

/** The repository root: the nearest folder above `from` whose package.json is this project's. */
export function findRootDir(from = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'axp-push-connector') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no axp-push-connector package.json above ${from}`);
    dir = parent;
  }
}

const first = (list: string | undefined): string | undefined =>
  list
    ?.split(',')
    .map((v) => v.trim())
    .find((v) => v.length > 0);

function portsFrom(env: Env): DevPorts {
  const raw = env.DEV_PORT_BASE?.trim();
  if (!raw) return { ...DEFAULT_PORTS };
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base > 65530) {
    throw new Error(`DEV_PORT_BASE must be a whole number from 1024 to 65530 (got '${raw}')`);
  }
  return { ingest: base, dispatcher: base + 1, admin: base + 2, emulator: base + 3, postgres: base + 4 };
}

export function devSettings(env: Env, rootDir = findRootDir()): DevSettings {
  const ports = portsFrom(env);
  const host = env.DEV_HOST?.trim() || '127.0.0.1';
  const configId = env.AXP_CONFIG_ID?.trim() || 'default';
  const ingest = `http://${host}:${ports.ingest}`;
  const admin = `http://${host}:${ports.admin}`;
  return {
    rootDir,
    dataDir: resolve(rootDir, env.DEV_DATA_DIR?.trim() || '.data'),
    host,
    ports,
    configId,
    axpSecret: first(env.AXP_SECRET) ?? DEV_SECRET,
    apiKey: first(env.REGISTRATION_API_KEYS) ?? DEV_API_KEY,
    admin: { username: env.ADMIN_USERNAME || DEV_ADMIN.username, password: env.ADMIN_PASSWORD || DEV_ADMIN.password },
    fcmProjectId: env.FCM_PROJECT_ID?.trim() || 'axp-push-dev',
    queuePrefix: env.QUEUE_PREFIX?.trim() || '{axp-dev}',
    probe: {
      redisUrl: env.DEV_REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
      databaseUrl: env.DEV_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    urls: {
      ingest,
      callback: `${ingest}/v1/axp/${encodeURIComponent(configId)}/notifications`,
      sampleCallback: `${ingest}/custom-notification-connector/axp-callback/notifications`,
      registrations: `${ingest}/v1/registrations`,
      openApi: `${ingest}/docs`,
      admin,
      dashboard: `${admin}/admin/queues`,
      emulator: `http://${host}:${ports.emulator}`,
    },
  };
}

/** A positive number of milliseconds from `raw`, else `fallback` (a typo must not mean "wait forever"). */
export function millisecondsFrom(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(value) && value > 0 ? value : fallback;
}
