/**
 * Per (configuration, event, token) delivery ledger, so retries, replays and repeated callbacks never
 * re-send to a token FCM already accepted while the event can still be in flight. In Redis: one hash
 * per event, one field per device; one script call claims a job's tokens, one settles each token; the
 * hash expires a retry window plus a claim TTL after its last claim. With QUEUE_BACKEND=postgres the
 * same operations run on the `delivery_ledger` table, whose rows expire with the same window.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { Cluster } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DeliveryLedgerRepository } from '@app/persistence';
import { notificationJobId, redisClusterOptions, redisOptions, retryWindowMs } from '@app/queue';

/** How often expired rows leave the Postgres ledger at most (Redis expires its keys itself). */
const POSTGRES_CLEANUP_MAX_MS = 10 * 60 * 1000;
/** Batches of expired rows one clean-up run deletes at most, so a run's work stays bounded. */
const POSTGRES_CLEANUP_BATCHES = 20;

/** 'claimed': send it now; 'delivered': FCM already accepted it; 'busy': another send holds it for `retryInMs`. */
export type Claim = { state: 'claimed' } | { state: 'delivered' } | { state: 'busy'; retryInMs: number };

const DELIVERED = 'delivered';
/** A delivered device's field value in an event's Redis hash (a claim is `owner/deadline-ms`). */
export const DELIVERED_FIELD = 'd';

// KEYS[1]: the event's hash. ARGV: owner, claim TTL, key TTL, then one field per device. Returns per
// device: 0 claimed, -1 delivered, otherwise the remaining milliseconds of another sender's claim.
// Every claim pushes the hash's expiry to a full window past it: the state lives as long as a later
// attempt of the job can still come, and not longer.
const CLAIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = ARGV[1] .. '/' .. string.format('%d', now + tonumber(ARGV[2]))
local out = {}
for i = 4, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  local deadline = v and tonumber(string.match(v, '/(%d+)$'))
  if v == '${DELIVERED_FIELD}' then
    out[i - 3] = -1
  elseif deadline and deadline > now then
    out[i - 3] = deadline - now
  else
    redis.call('HSET', KEYS[1], ARGV[i], mine)
    out[i - 3] = 0
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return out`;

// KEYS[1]: the event's hash. ARGV: field, owner, 'd' (delivered) or 'r' (release), key TTL.
// A release deletes the claim only while it is still ours: a lapsed claim may have been taken since.
// The hash keeps the expiry of its last claim; it only gets one here if it had vanished meanwhile.
const SETTLE_SCRIPT = `
if ARGV[3] == 'd' then
  redis.call('HSET', KEYS[1], ARGV[1], '${DELIVERED_FIELD}')
  if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
  return 1
end
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.sub(v, 1, #ARGV[2] + 1) == ARGV[2] .. '/' then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

type LedgerClient = (IORedis | Cluster) & {
  ledgerClaim(key: string, ...args: Array<string | number>): Promise<number[]>;
  ledgerSettle(key: string, field: string, owner: string, mode: 'd' | 'r', keyTtlMs: number): Promise<number>;
};

/** One send's hold on its tokens: settle each claimed token once, with the outcome of its send. */
export interface LedgerSession {
  claims: Map<string, Claim>;
  delivered(token: string): Promise<void>;
  release(token: string): Promise<void>;
}

/**
 * How long the ledger keeps an event: its retry window (DISPATCH_BACKOFF_MS, DISPATCH_MAX_ATTEMPTS,
 * DISPATCH_MAX_AGE_SECONDS) plus the claim TTL. No ledger key or row outlives this past its last write.
 */
export function ledgerTtlMs(config: AppConfig): number {
  return retryWindowMs(config.dispatch) + config.dispatch.claimTtlMs;
}

@Injectable()
export class DeliveryLedger implements OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryLedger.name);
  private readonly redis: LedgerClient | undefined;
  private readonly prefix: string;
  /** A claim's lifetime: above the worst `send()`; a send interrupted by a crash is retried once it lapses. */
  readonly claimTtlMs: number;
  /** An event's lifetime in the ledger after its last claim. */
  readonly ttlMs: number;
  private cleanup?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly table: DeliveryLedgerRepository,
  ) {
    this.prefix = `${config.queue.prefix}:ledger`;
    this.claimTtlMs = config.dispatch.claimTtlMs;
    this.ttlMs = ledgerTtlMs(config);
    if (config.queue.backend !== 'redis') {
      const every = Math.min(POSTGRES_CLEANUP_MAX_MS, Math.max(1_000, Math.round(this.ttlMs / 4)));
      this.cleanup = setInterval(() => void this.deleteExpired(), every);
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
    client.defineCommand('ledgerClaim', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    client.defineCommand('ledgerSettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    client.on('error', () => undefined); // surfaced by the failing commands themselves
    this.redis = client as LedgerClient;
  }

  /** The Redis hash of an event: one per (configuration, event), whatever its number of devices. */
  key(configId: string, eventId: string): string {
    return `${this.prefix}:${notificationJobId(configId, eventId)}`;
  }

  /** A device's field in its event's hash: a hashed token (a raw token never appears in Redis). */
  field(token: string): string {
    return createHash('sha256').update(token).digest('base64url').slice(0, 16);
  }

  /** The Postgres ledger's key: fixed-length hashes, so any eventId fits the primary key's index. */
  tableKey(configId: string, eventId: string, token: string): string {
    const event = createHash('sha256').update(notificationJobId(configId, eventId)).digest('base64url');
    return `${event}:${createHash('sha256').update(token).digest('base64url')}`;
  }

  /** Claims every token of one send of an event in one round trip. */
  async claim(configId: string, eventId: string, tokens: readonly string[]): Promise<LedgerSession> {
    const owner = randomBytes(6).toString('base64url');
    const claims = new Map<string, Claim>();
    if (tokens.length === 0) return { claims, delivered: async () => undefined, release: async () => undefined };
    const redis = this.redis;
    if (!redis) {
      return this.claimInTable(new Map(tokens.map((token) => [token, this.tableKey(configId, eventId, token)])), `sending:${owner}`);
    }
    const key = this.key(configId, eventId);
    const fields = new Map(tokens.map((token) => [token, this.field(token)]));
    const answers = await redis.ledgerClaim(key, owner, this.claimTtlMs, this.ttlMs, ...fields.values());
    tokens.forEach((token, i) => {
      const answer = Number(answers[i]);
      claims.set(token, answer === 0 ? { state: 'claimed' } : answer < 0 ? { state: 'delivered' } : { state: 'busy', retryInMs: answer });
    });
    return {
      claims,
      delivered: async (token) => {
        await redis.ledgerSettle(key, fields.get(token)!, owner, 'd', this.ttlMs);
      },
      release: async (token) => {
        await redis.ledgerSettle(key, fields.get(token)!, owner, 'r', this.ttlMs);
      },
    };
  }

  private async claimInTable(keys: Map<string, string>, owner: string): Promise<LedgerSession> {
    const rows = new Map((await this.table.claim([...keys.values()], owner, this.claimTtlMs)).map((r) => [r.key, r]));
    const claims = new Map<string, Claim>();
    for (const [token, key] of keys) {
      const row = rows.get(key);
      if (!row || row.claimed) claims.set(token, { state: 'claimed' });
      else claims.set(token, row.state === DELIVERED ? { state: 'delivered' } : { state: 'busy', retryInMs: row.ttlMs });
    }
    return {
      claims,
      delivered: (token) => this.table.set(keys.get(token)!, DELIVERED, this.ttlMs),
      release: (token) => this.table.release(keys.get(token)!, owner),
    };
  }

  /** Postgres only: deletes expired rows, a bounded number of batches per run. */
  async deleteExpired(): Promise<number> {
    let removed = 0;
    try {
      for (let i = 0; i < POSTGRES_CLEANUP_BATCHES; i++) {
        const batch = await this.table.deleteExpired();
        removed += batch;
        if (batch < 5_000) break;
      }
    } catch (error) {
      this.logger.warn(`ledger clean-up: ${(error as Error).message}`);
    }
    return removed;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.cleanup);
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
