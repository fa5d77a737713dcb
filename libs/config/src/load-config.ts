import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AppConfig, AppName, AxpConfiguration, IosAlertConfig } from './config.types';
import { buildCustomerTokenConfig } from './customer-token.config';

/** Thrown at start when the environment cannot make a valid configuration; lists every problem found. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const DEFAULT_PORTS: Record<AppName, number> = { ingest: 3000, dispatcher: 3001, admin: 3002, tool: 0 };
export const DEFAULT_IOS_ALERT: IosAlertConfig = { title: 'New message', body: 'You have a new message.' };
export const CONFIG_ID = /^[A-Za-z0-9._-]{1,128}$/;

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** `2592000`, `3600s`, `90m`, `12h`, `30d` → seconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+\s*[smhd]?$/, 'must be a number of seconds or a duration such as 30d, 12h, 90m')
  .transform((v) => {
    const unit = v.at(-1) as string;
    const factor = DURATION_UNITS[unit];
    return factor ? Number(v.slice(0, -1).trim()) * factor : Number(v);
  })
  .pipe(z.number().int().min(60, 'must be at least 60 seconds'));

const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port');

const redisUrl = z
  .string()
  .trim()
  .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://');

const postgresUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://');

/** 32 random bytes in base64, as `openssl rand -base64 32` prints them (AES-256-GCM of stored secrets). */
const encryptionKey = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message: 'must be 32 random bytes in base64 (44 characters), as `openssl rand -base64 32` prints them',
  })
  .transform((v) => Buffer.from(v, 'base64'));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).optional(),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().trim().min(1).optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_MIN_REPLICAS_ACK: int(0, 16).default(0),
  REDIS_REPLICAS_ACK_TIMEOUT_MS: int(1, 60_000).default(200),
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9{}_.-]{1,64}$/, 'may hold only letters, digits, {, }, _, . and -')
    .default('{axp-push}'),
  QUEUE_BACKEND: z.enum(['redis', 'postgres']).default('redis'),
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/postgres'),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  AXP_CONFIG_ID: z.string().trim().regex(CONFIG_ID, 'may hold only letters, digits, ., _ and - (1-128)').optional(),
  AXP_SECRET: z.string().optional(),
  AXP_CONFIG_FILE: z.string().trim().min(1).optional(),
  ENQUEUE_TIMEOUT_MS: int(10, 60000).default(500),
  OPENAPI_ENABLED: bool.optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^(true|false|\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/,
      'must be true, false, a hop count, or addresses/CIDRs',
    )
    .optional(),
  REGISTRATION_AUTH: z.enum(['api-key', 'none'], { message: "must be 'api-key' or 'none'" }).default('api-key'),
  REGISTRATION_API_KEYS: z.string().optional(),
  REGISTRATION_TTL: duration.default(30 * 86400),
  REGISTRATION_RATE_LIMIT: int(1, 1_000_000).default(600),
  REGISTRATION_APP_KEYS: z.string().optional(),
  REGISTRATION_KEY_RATE_LIMIT: int(1, 10_000_000).default(60_000),
  REGISTRATION_MAX_DEVICES_PER_SESSION: int(1, 1000).default(10),
  REGISTRATION_JWT_JWKS_URL: z.string().trim().url('must be an https:// (or http://) URL of a JWKS').optional(),
  REGISTRATION_JWT_PUBLIC_KEY: z.string().trim().min(1).optional(),
  REGISTRATION_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (an HS256 secret)').optional(),
  REGISTRATION_JWT_ISSUER: z.string().trim().min(1).optional(),
  REGISTRATION_JWT_AUDIENCE: z.string().trim().min(1).optional(),
  REGISTRATION_JWT_CUSTOMER_CLAIM: z.string().trim().min(1).default('sub'),
  DISPATCH_CONCURRENCY: int(1, 1000).default(200),
  DISPATCH_BACKOFF_MS: int(1, 3_600_000).default(1000),
  DISPATCH_MAX_ATTEMPTS: int(1, 100).default(8),
  DISPATCH_MAX_AGE_SECONDS: int(1, 28 * 86400).default(900),
  DISPATCH_STALL_TIMEOUT_MS: int(1000, 3_600_000).default(60_000),
  DELIVERY_CLAIM_TTL_MS: int(1000, 3_600_000).default(90_000),
  QUEUE_COMPLETED_RETENTION_SECONDS: int(1, 365 * 86400).default(3600),
  QUEUE_COMPLETED_RETENTION_COUNT: int(0, 10_000_000).default(10_000),
  QUEUE_FAILED_RETENTION_SECONDS: int(1, 365 * 86400).default(14 * 86400),
  QUEUE_FAILED_RETENTION_COUNT: int(0, 10_000_000).default(100_000),
  DEAD_LETTER_RETENTION_DAYS: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of days such as 30 or 0.5')
    .transform(Number)
    .pipe(z.number().positive('must be above 0').max(3650, 'must be at most 3650'))
    .default(30),
  DEAD_LETTER_RETENTION_COUNT: int(1, 10_000_000).default(100_000),
  QUEUE_CLEAN_INTERVAL_SECONDS: int(1, 86400).default(60),
  HISTORY_ENABLED: bool.default(true),
  HISTORY_RETENTION_DAYS: int(1, 3650).default(30),
  // A day: a phone offline for hours still hears of the agent's reply when it is back, and the
  // per-conversation collapse key keeps only the latest push of each conversation (docs/fcm.md).
  FCM_TTL_SECONDS: int(0, 28 * 86400).default(86400),
  FCM_EMULATOR_HOST: hostPort.optional(),
  FCM_PROJECT_ID: z.string().trim().min(1).optional(),
  FCM_MAX_SOCKETS: int(1, 10000).default(100),
  GOOGLE_APPLICATION_CREDENTIALS: z.string().trim().min(1).optional(),
  ADMIN_USERNAME: z.string().min(1).optional(),
  CONFIG_ENCRYPTION_KEY: encryptionKey.optional(),
  CONFIG_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
  CONFIG_REFRESH_SECONDS: int(1, 3600).default(30),
  ADMIN_PASSWORD: z.string().min(1).optional(),
});

type ParsedEnv = z.infer<typeof envSchema>;

const fileConfigurationSchema = z.array(
  z.object({
    id: z.string().regex(CONFIG_ID, 'may hold only letters, digits, ., _ and - (1-128)'),
    secrets: z.array(z.string().min(1, 'a secret may not be empty')),
    fcm: z
      .object({
        projectId: z.string().min(1).optional(),
        credentialsFile: z.string().min(1).optional(),
      })
      .optional(),
    ios: z
      .object({
        title: z.string().min(1).optional(),
        body: z.string().min(1).optional(),
      })
      .optional(),
  }),
);

function parseEndpoints(value: string, variable: string, problems: string[]): Array<{ host: string; port: number }> {
  const endpoints: Array<{ host: string; port: number }> = [];
  for (const item of list(value)) {
    const match = /^([^\s:]+):(\d{1,5})$/.exec(item);
    if (!match) {
      problems.push(`${variable}: '${item}' must be host:port (comma-separated list)`);
      continue;
    }
    endpoints.push({ host: match[1], port: Number(match[2]) });
  }
  return endpoints;
}

function readConfigurationFile(path: string, problems: string[]): AxpConfiguration[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`AXP_CONFIG_FILE: cannot read JSON from '${path}': ${(error as Error).message}`);
    return [];
  }
  const parsed = fileConfigurationSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`AXP_CONFIG_FILE (${path}) at [${issue.path.join('.')}]: ${issue.message}`);
    }
    return [];
  }
  return parsed.data.map((c) => ({
    id: c.id,
    secrets: c.secrets,
    fcm: { projectId: c.fcm?.projectId, credentialsFile: c.fcm?.credentialsFile },
    ios: { title: c.ios?.title ?? DEFAULT_IOS_ALERT.title, body: c.ios?.body ?? DEFAULT_IOS_ALERT.body },
  }));
}

function buildConfigurations(env: ParsedEnv, problems: string[]): AxpConfiguration[] {
  const configurations: AxpConfiguration[] = [];
  const envSecrets = list(env.AXP_SECRET);
  // The single env configuration exists when a secret is given, or when no file is (so a
  // dispatcher without secrets still knows the default configuration).
  if (envSecrets.length > 0 || env.AXP_CONFIG_ID !== undefined || env.AXP_CONFIG_FILE === undefined) {
    configurations.push({
      id: env.AXP_CONFIG_ID ?? 'default',
      secrets: envSecrets,
      fcm: {},
      ios: { ...DEFAULT_IOS_ALERT },
    });
  }
  if (env.AXP_CONFIG_FILE !== undefined) {
    configurations.push(...readConfigurationFile(env.AXP_CONFIG_FILE, problems));
  }
  const seen = new Set<string>();
  for (const c of configurations) {
    if (seen.has(c.id)) problems.push(`configuration id '${c.id}' is defined twice (AXP_CONFIG_ID and AXP_CONFIG_FILE ids must be unique)`);
    seen.add(c.id);
  }
  return configurations;
}

/** TRUST_PROXY → Fastify's `trustProxy`: true/false, a hop count, or a list of addresses/CIDRs. */
function trustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return list(value);
}

/**
 * The one place that reads the environment. Validates everything an app needs and fails with
 * every problem at once, each naming the variable and what is wrong with it.
 */
export function loadConfig(app: AppName, source: Env): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];

  const configurations = buildConfigurations(env, problems);
  if (app === 'ingest') {
    if (configurations.length === 0) problems.push('no AXP configuration: set AXP_SECRET, or AXP_CONFIG_FILE');
    for (const c of configurations) {
      if (c.secrets.length === 0) {
        problems.push(
          `configuration '${c.id}' has no secret: set AXP_SECRET to the Secret of the AXP Push Notification Configuration (several, comma-separated, while rotating)`,
        );
      }
    }
  }

  const apiKeys = list(env.REGISTRATION_API_KEYS);
  const appKeys = list(env.REGISTRATION_APP_KEYS);
  const customerToken = buildCustomerTokenConfig(env, problems);
  if (appKeys.some((k) => apiKeys.includes(k))) {
    problems.push('REGISTRATION_APP_KEYS: a key cannot be both an app key and a server key (REGISTRATION_API_KEYS)');
  }
  if (app === 'ingest' && env.REGISTRATION_AUTH === 'api-key' && apiKeys.length === 0 && appKeys.length === 0) {
    problems.push(
      'REGISTRATION_API_KEYS: set at least one key for the registration API (comma-separated), or set REGISTRATION_AUTH=none to serve it without authentication',
    );
  }
  if (app === 'admin') {
    if (!env.ADMIN_USERNAME) problems.push('ADMIN_USERNAME: required by the admin app (HTTP basic auth of the dashboard)');
    if (!env.ADMIN_PASSWORD) problems.push('ADMIN_PASSWORD: required by the admin app (HTTP basic auth of the dashboard)');
  }

  const sentinels = env.REDIS_SENTINELS ? parseEndpoints(env.REDIS_SENTINELS, 'REDIS_SENTINELS', problems) : undefined;
  const clusterNodes = env.REDIS_CLUSTER_NODES
    ? parseEndpoints(env.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES', problems)
    : undefined;
  if (sentinels && !env.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: required when REDIS_SENTINELS is set');
  if (sentinels && clusterNodes) problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES cannot both be set');
  if (clusterNodes && !/^[^{}]*\{[^{}]+\}[^{}]*$/.test(env.QUEUE_PREFIX)) {
    problems.push('QUEUE_PREFIX: must carry a hash tag such as {axp-push} when REDIS_CLUSTER_NODES is set');
  }

  if (env.REDIS_MIN_REPLICAS_ACK > 0 && env.REDIS_REPLICAS_ACK_TIMEOUT_MS >= env.ENQUEUE_TIMEOUT_MS) {
    problems.push(
      `REDIS_REPLICAS_ACK_TIMEOUT_MS: must be below ENQUEUE_TIMEOUT_MS (${env.ENQUEUE_TIMEOUT_MS} ms), which bounds the whole enqueue including the replicas' confirmation`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    app,
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.PORT ?? DEFAULT_PORTS[app] },
    redis: {
      url: env.REDIS_URL,
      sentinels,
      sentinelName: env.REDIS_SENTINEL_NAME,
      clusterNodes,
      minReplicasAck: env.REDIS_MIN_REPLICAS_ACK,
      replicasAckTimeoutMs: env.REDIS_REPLICAS_ACK_TIMEOUT_MS,
    },
    queue: { prefix: env.QUEUE_PREFIX, backend: env.QUEUE_BACKEND },
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    axp: { configurations, defaultConfigId: configurations[0]?.id ?? 'default' },
    ingest: {
      bodyLimitBytes: 64 * 1024,
      enqueueTimeoutMs: env.ENQUEUE_TIMEOUT_MS,
      openApiEnabled: env.OPENAPI_ENABLED ?? env.NODE_ENV !== 'production',
      trustProxy: trustProxy(env.TRUST_PROXY),
    },
    registrations: {
      auth: env.REGISTRATION_AUTH,
      apiKeys,
      appKeys,
      ttlSeconds: env.REGISTRATION_TTL,
      rateLimitPerMinute: env.REGISTRATION_RATE_LIMIT,
      keyRateLimitPerMinute: env.REGISTRATION_KEY_RATE_LIMIT,
      maxDevicesPerSession: env.REGISTRATION_MAX_DEVICES_PER_SESSION,
      customerToken,
    },
    dispatch: {
      concurrency: env.DISPATCH_CONCURRENCY,
      backoffMs: env.DISPATCH_BACKOFF_MS,
      maxAttempts: env.DISPATCH_MAX_ATTEMPTS,
      maxAgeSeconds: env.DISPATCH_MAX_AGE_SECONDS,
      stallTimeoutMs: env.DISPATCH_STALL_TIMEOUT_MS,
      claimTtlMs: env.DELIVERY_CLAIM_TTL_MS,
      retention: {
        completed: { age: env.QUEUE_COMPLETED_RETENTION_SECONDS, count: env.QUEUE_COMPLETED_RETENTION_COUNT },
        failed: { age: env.QUEUE_FAILED_RETENTION_SECONDS, count: env.QUEUE_FAILED_RETENTION_COUNT },
        deadLetter: { age: Math.round(env.DEAD_LETTER_RETENTION_DAYS * 86400), count: env.DEAD_LETTER_RETENTION_COUNT },
        cleanIntervalSeconds: env.QUEUE_CLEAN_INTERVAL_SECONDS,
      },
    },
    fcm: {
      ttlSeconds: env.FCM_TTL_SECONDS,
      emulatorHost: env.FCM_EMULATOR_HOST,
      projectId: env.FCM_PROJECT_ID,
      credentialsFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      maxSockets: env.FCM_MAX_SOCKETS,
    },
    history: { enabled: env.HISTORY_ENABLED, retentionDays: env.HISTORY_RETENTION_DAYS },
    admin: { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD },
    configStore: {
      encryptionKey: env.CONFIG_ENCRYPTION_KEY,
      previousEncryptionKey: env.CONFIG_ENCRYPTION_KEY_PREVIOUS,
      refreshSeconds: env.CONFIG_REFRESH_SECONDS,
    },
  };
}
