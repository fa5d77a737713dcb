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
    /** A stored configuration's service account, decrypted in memory only. */
    serviceAccount?: FcmServiceAccount;
  };
  ios: IosAlertConfig;
  /** 'environment' (AXP_SECRET / AXP_CONFIG_FILE, read-only) or 'store' (managed through the admin API). */
  source?: 'environment' | 'store';
  name?: string;
  /** When a stored configuration last changed; tells the dispatcher to replace its FCM app. */
  version?: string;
}

export interface FcmServiceAccount {
  projectId?: string;
  clientEmail: string;
  privateKey: string;
}

/** Stored configurations: the key that encrypts their secrets, and how often each replica re-reads them. */
export interface ConfigStoreConfig {
  /** CONFIG_ENCRYPTION_KEY: 32 bytes (base64); checked when a stored configuration needs it. */
  encryptionKey?: Buffer;
  /** CONFIG_ENCRYPTION_KEY_PREVIOUS: still decrypts while the key is being rotated. */
  previousEncryptionKey?: Buffer;
  refreshSeconds: number;
}

/** How the customer JWT of an app registration is verified (REGISTRATION_JWT_*). */
export interface CustomerTokenConfig {
  key: { type: 'jwks'; url: string } | { type: 'public-key'; pem: string } | { type: 'secret'; secret: string };
  issuer: string;
  audience: string;
  /** The claim that holds the AXP customerId ('sub' by default). */
  customerClaim: string;
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
    /** Server keys (REGISTRATION_API_KEYS): every registration route. */
    apiKeys: string[];
    /** App keys (REGISTRATION_APP_KEYS), shipped inside apps: one registration by its device token only. */
    appKeys: string[];
    ttlSeconds: number;
    rateLimitPerMinute: number;
    /** Requests per minute per presented key, on top of the per-client limit. */
    keyRateLimitPerMinute: number;
    /** The oldest registrations of a session beyond this many are dropped. */
    maxDevicesPerSession: number;
    /** Set when registrations bind to the customer named by a verified JWT. */
    customerToken?: CustomerTokenConfig;
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
  /** The delivery history in Postgres: written by the dispatcher, day partitions dropped after `retentionDays`. */
  history: { enabled: boolean; retentionDays: number };
  admin: { username?: string; password?: string };
  configStore: ConfigStoreConfig;
}
