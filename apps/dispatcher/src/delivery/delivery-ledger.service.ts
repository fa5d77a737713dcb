/**
 * Per (configuration, event, token) delivery ledger, so retries and dead-letter replays never re-send
 * to a token FCM already accepted. In Redis: one EVALSHA claims a job's tokens, one SET per token
 * settles it. With QUEUE_BACKEND=postgres the same operations run on the `delivery_ledger` table.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { Cluster } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DeliveryLedgerRepository } from '@app/persistence';
import { notificationJobId, redisClusterOptions, redisOptions } from '@app/queue';

/**
 * Longest a claim protects an in-flight send: above the worst `send()` (the SDK's 5 attempts with its
 * 15 s timeout and 7 s of back-off). A send interrupted by a crash is retried once it lapses.
 */
export const CLAIM_TTL_MS = 90_000;
/** How long a delivered token is remembered: longer than any retry budget or replay delay in practice. */
export const DELIVERED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How often expired rows leave the Postgres ledger (Redis expires its keys itself). */
const POSTGRES_CLEANUP_MS = 10 * 60 * 1000;

/** 'claimed': send it now; 'delivered': FCM already accepted it; 'busy': another send holds it for `retryInMs`. */
export type Claim = { state: 'claimed' } | { state: 'delivered' } | { state: 'busy'; retryInMs: number };

const DELIVERED = 'delivered';

// Returns per key: 0 claimed, -1 delivered, otherwise the claim's remaining milliseconds.
const CLAIM_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) then
    out[i] = 0
  elseif redis.call('GET', key) == '${DELIVERED}' then
    out[i] = -1
  else
    local ttl = redis.call('PTTL', key)
    if ttl < 1 then ttl = 1 end
    out[i] = ttl
  end
end
return out`;

// Deletes a claim only while it is still ours: a lapsed claim may have been taken by another send.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type LedgerClient = (IORedis | Cluster) & {
  ledgerClaim(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
  ledgerRelease(key: string, owner: string): Promise<number>;
};

/** One send's hold on its tokens: settle each claimed token once, with the outcome of its send. */
export interface LedgerSession {
  claims: Map<string, Claim>;
  delivered(token: string): Promise<void>;
  release(token: string): Promise<void>;
}

@Injectable()
export class DeliveryLedger implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryLedger.name);
  private readonly redis: LedgerClient | undefined;
  private readonly prefix: string;
  private cleanup?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly table: DeliveryLedgerRepository,
  ) {
    this.prefix = `${config.queue.prefix}:ledger`;
    if (config.queue.backend !== 'redis') {
      this.cleanup = setInterval(() => {
        this.table.deleteExpired().catch((error: Error) => this.logger.warn(`ledger clean-up: ${error.message}`));
      }, POSTGRES_CLEANUP_MS);
      this.cleanup.unref();
      return;
    }
    // Its own connection that gives up on a command after a few reconnects: a job must fail and
    // retry rather than hang while Redis is away.
    const cluster = redisClusterOptions(config.redis, 'worker');
    const client = cluster
      ? new Cluster(cluster.nodes, {
          ...cluster.options,
          enableAutoPipelining: true,
          redisOptions: { ...cluster.options.redisOptions, maxRetriesPerRequest: 3 },
        })
      : new IORedis({ ...redisOptions(config.redis, 'worker'), maxRetriesPerRequest: 3, enableAutoPipelining: true });
    client.defineCommand('ledgerClaim', { lua: CLAIM_SCRIPT });
    client.defineCommand('ledgerRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    client.on('error', () => undefined); // surfaced by the failing commands themselves
    this.redis = client as LedgerClient;
  }

  /** The ledger key of a token: readable event part, hashed token (a raw token never appears in Redis keys). */
  key(configId: string, eventId: string, token: string): string {
    const tokenHash = createHash('sha256').update(token).digest('base64url');
    return `${this.prefix}:${notificationJobId(configId, eventId)}:${tokenHash}`;
  }

  /** The Postgres ledger's key: fixed-length hashes, so any eventId fits the primary key's index. */
  tableKey(configId: string, eventId: string, token: string): string {
    const event = createHash('sha256').update(notificationJobId(configId, eventId)).digest('base64url');
    return `${event}:${createHash('sha256').update(token).digest('base64url')}`;
  }

  /** Claims every token of one send of an event in one round trip. */
  async claim(configId: string, eventId: string, tokens: readonly string[]): Promise<LedgerSession> {
    const owner = `sending:${randomUUID()}`;
    const keys = new Map(
      tokens.map((token) => [token, this.redis ? this.key(configId, eventId, token) : this.tableKey(configId, eventId, token)]),
    );
    const claims = new Map<string, Claim>();
    if (tokens.length === 0) return { claims, delivered: async () => undefined, release: async () => undefined };
    const redis = this.redis;
    if (!redis) return this.claimInTable(keys, owner);
    const answers = await redis.ledgerClaim(tokens.length, ...keys.values(), owner, CLAIM_TTL_MS);
    tokens.forEach((token, i) => {
      const answer = Number(answers[i]);
      claims.set(token, answer === 0 ? { state: 'claimed' } : answer < 0 ? { state: 'delivered' } : { state: 'busy', retryInMs: answer });
    });
    return {
      claims,
      delivered: async (token) => {
        await redis.set(keys.get(token)!, DELIVERED, 'PX', DELIVERED_TTL_MS);
      },
      release: async (token) => {
        await redis.ledgerRelease(keys.get(token)!, owner);
      },
    };
  }

  private async claimInTable(keys: Map<string, string>, owner: string): Promise<LedgerSession> {
    const rows = new Map((await this.table.claim([...keys.values()], owner, CLAIM_TTL_MS)).map((r) => [r.key, r]));
    const claims = new Map<string, Claim>();
    for (const [token, key] of keys) {
      const row = rows.get(key);
      if (!row || row.claimed) claims.set(token, { state: 'claimed' });
      else claims.set(token, row.state === DELIVERED ? { state: 'delivered' } : { state: 'busy', retryInMs: row.ttlMs });
    }
    return {
      claims,
      delivered: (token) => this.table.set(keys.get(token)!, DELIVERED, DELIVERED_TTL_MS),
      release: (token) => this.table.release(keys.get(token)!, owner),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.cleanup);
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
