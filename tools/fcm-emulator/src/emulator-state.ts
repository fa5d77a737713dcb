/**
 * The emulator's memory: what it received, how each token behaves, and the current outage.
 * Shared by the FCM route, the HTTP control API and the in-process handle.
 */
import { behaviourFromTokenName, type TokenBehaviour, type TokenOutcome } from './fcm-behaviour';
import type { FcmWireMessage } from './fcm-message.validator';

export interface RecordedRequest {
  /** Epoch milliseconds at which the request arrived. */
  at: number;
  projectId: string;
  token: string;
  /** The `message` object as sent on the wire. */
  message: FcmWireMessage;
  /** HTTP status the emulator answered (or will answer, after its latency). */
  status: number;
}

export type OutageMode = 'refuse' | '503';

export interface Outage {
  mode: OutageMode;
  retryAfterSeconds?: number;
  /** Epoch milliseconds at which the outage ends by itself. */
  until?: number;
}

export interface Decision {
  outcome: TokenOutcome;
  latencyMs: number;
  retryAfterSeconds?: number;
}

export interface EmulatorStats {
  /** FCM send requests recorded since the last reset. */
  received: number;
  /** Connections destroyed by a 'refuse' outage. */
  refused: number;
  /** TCP connections accepted (keep-alive clients open few). */
  connections: number;
  byStatus: Record<string, number>;
}

interface Waiter {
  count: number;
  resolve: () => void;
}

export class EmulatorState {
  readonly requests: RecordedRequest[] = [];
  private readonly behaviours = new Map<string, TokenBehaviour>();
  private readonly seen = new Map<string, number>();
  private defaultBehaviour: TokenBehaviour | undefined;
  private outage: Outage | undefined;
  private waiters: Waiter[] = [];
  stats: EmulatorStats = { received: 0, refused: 0, connections: 0, byStatus: {} };

  constructor(private readonly maxRecorded: number) {}

  setTokenBehaviour(token: string, behaviour: TokenBehaviour | null): void {
    this.seen.delete(token);
    if (behaviour) this.behaviours.set(token, behaviour);
    else this.behaviours.delete(token);
  }

  setDefaultBehaviour(behaviour: TokenBehaviour | null): void {
    this.defaultBehaviour = behaviour ?? undefined;
    this.seen.clear();
  }

  setOutage(outage: Outage | null): void {
    this.outage = outage ?? undefined;
  }

  currentOutage(): Outage | undefined {
    if (this.outage?.until !== undefined && Date.now() >= this.outage.until) this.outage = undefined;
    return this.outage;
  }

  /** How to answer this request of `token`; counts the request for "first N times" behaviours. */
  decide(token: string): Decision {
    const behaviour = this.behaviours.get(token) ?? behaviourFromTokenName(token) ?? this.defaultBehaviour;
    if (!behaviour) return { outcome: 'ok', latencyMs: 0 };
    const latencyMs = behaviour.latencyMs ?? 0;
    if (behaviour.outcome === 'ok' || behaviour.times === undefined) {
      return { outcome: behaviour.outcome, latencyMs, retryAfterSeconds: behaviour.retryAfterSeconds };
    }
    const seen = (this.seen.get(token) ?? 0) + 1;
    this.seen.set(token, seen);
    const outcome = seen <= behaviour.times ? behaviour.outcome : 'ok';
    return { outcome, latencyMs, retryAfterSeconds: behaviour.retryAfterSeconds };
  }

  record(request: RecordedRequest): void {
    this.requests.push(request);
    // Trim in chunks so a long benchmark keeps a bounded, recent window at amortised cost.
    if (this.requests.length > this.maxRecorded * 1.1 + 100) {
      this.requests.splice(0, this.requests.length - this.maxRecorded);
    }
    this.stats.received += 1;
    this.countStatus(request.status);
    if (this.waiters.length > 0) this.wakeWaiters();
  }

  countStatus(status: number): void {
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
  }

  /** Resolves once `count` requests have been recorded since the last reset. */
  waitForRequests(count: number, timeoutMs: number): Promise<RecordedRequest[]> {
    if (this.stats.received >= count) return Promise.resolve(this.requests);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.requests);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`FCM emulator: ${this.stats.received} of ${count} requests within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Forgets requests and statistics, keeps behaviours. */
  clearRequests(): void {
    this.requests.length = 0;
    this.stats = { received: 0, refused: 0, connections: 0, byStatus: {} };
  }

  reset(): void {
    this.clearRequests();
    this.behaviours.clear();
    this.seen.clear();
    this.defaultBehaviour = undefined;
    this.outage = undefined;
  }

  private wakeWaiters(): void {
    const ready = this.waiters.filter((w) => this.stats.received >= w.count);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => this.stats.received < w.count);
    for (const waiter of ready) waiter.resolve();
  }
}
