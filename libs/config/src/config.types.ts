/** The typed configuration every app receives; built once from the environment by `loadConfig`. */

export type AppName = 'ingest' | 'dispatcher' | 'admin' | 'tool';

export type Platform = 'android' | 'ios' | 'web';

export interface IosAlertConfig {
  title: string;
  body: string;
}

/** One AXP Push Notification Configuration, as created in the AXP administration application. */
export interface AxpConfiguration {
  id: string;
  /** Every secret that may sign a callback (more than one while a secret is being rotated). */
  secrets: string[];
  fcm: {
    projectId?: string;
    credentialsFile?: string;
  };
  ios: IosAlertConfig;
}

export interface RedisConfig {
  url: string;
  /** Sentinel endpoints; when set, `url` only supplies password/db/TLS. */
  sentinels?: Array<{ host: string; port: number }>;
  sentinelName?: string;
  /** Cluster seed nodes; when set, the queue runs on a Redis Cluster. */
  clusterNodes?: Array<{ host: string; port: number }>;
  /**
   * Replicas that must confirm each intake batch (`WAIT n`) before its 202; 0 turns it off. A batch
   * not confirmed within `replicasAckTimeoutMs` is also written to the Postgres outbox.
   */
  minReplicasAck: number;
  replicasAckTimeoutMs: number;
}

/** A job retention: entries older than `age` seconds, or beyond the newest `count`, are removed. */
export interface RetentionBound {
  age: number;
  count: number;
}

/** How long finished jobs and dead-letter entries stay; the dispatcher also cleans by age every `cleanIntervalSeconds`. */
export interface QueueRetention {
  completed: RetentionBound;
  failed: RetentionBound;
  deadLetter: RetentionBound;
  cleanIntervalSeconds: number;
}

export interface AppConfig {
  app: AppName;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  http: { host: string; port: number };
  redis: RedisConfig;
  queue: {
    /** BullMQ key prefix; carries a hash tag so every key of a queue shares one Cluster slot. */
    prefix: string;
    backend: 'redis' | 'postgres';
  };
  database: { url: string; poolSize: number };
  axp: {
    configurations: AxpConfiguration[];
    defaultConfigId: string;
  };
  ingest: {
    bodyLimitBytes: number;
    enqueueTimeoutMs: number;
    openApiEnabled: boolean;
    /**
     * Which proxies' X-Forwarded-For to believe for the client address (rate limit per client):
     * false (none, the default), true (all), a hop count, or addresses/CIDRs.
     */
    trustProxy: boolean | number | string[];
  };
  registrations: {
    auth: 'api-key' | 'none';
    apiKeys: string[];
    ttlSeconds: number;
    rateLimitPerMinute: number;
  };
  dispatch: {
    concurrency: number;
    backoffMs: number;
    maxAttempts: number;
    maxAgeSeconds: number;
    /** Readiness fails when jobs wait and the worker has taken or finished none for this long. */
    stallTimeoutMs: number;
    /** How long a delivery ledger claim protects an in-flight send before another may take it. */
    claimTtlMs: number;
    retention: QueueRetention;
  };
  fcm: {
    ttlSeconds: number;
    emulatorHost?: string;
    projectId?: string;
    credentialsFile?: string;
    maxSockets: number;
  };
  admin: { username?: string; password?: string };
}
