import { Injectable } from '@nestjs/common';
import { type LiveToken, RegistrationRepository } from '@app/persistence';

interface Waiting {
  sessionId: string;
  resolve: (tokens: LiveToken[]) => void;
  reject: (error: Error) => void;
}

/** Text Postgres can hold: no NUL, no lone surrogate. */
function isStorableText(value: string): boolean {
  return typeof value === 'string' && !value.includes('\u0000') && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Most sessions looked up in one query. */
export const MAX_LOOKUP_BATCH = 500;

/**
 * The dispatcher's token lookup. Jobs that start together (up to DISPATCH_CONCURRENCY of them) share
 * one indexed query per configuration: lookups asked for during one turn of the event loop are sent
 * on the next, the same coalescing as the ingest's batched enqueue.
 */
@Injectable()
export class TokenLookup {
  private pending = new Map<string, Waiting[]>();
  private flushScheduled = false;

  constructor(private readonly registrations: RegistrationRepository) {}

  find(configId: string, sessionId: string): Promise<LiveToken[]> {
    // Registrations never hold such ids (they refuse NUL and lone surrogates), and Postgres would
    // refuse the whole batch's query over one of them: no device, without asking.
    if (!isStorableText(sessionId) || !isStorableText(configId)) return Promise.resolve([]);
    return new Promise<LiveToken[]>((resolve, reject) => {
      const waiting = this.pending.get(configId) ?? [];
      waiting.push({ sessionId, resolve, reject });
      this.pending.set(configId, waiting);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const [configId, waiting] of pending) {
      for (let i = 0; i < waiting.length; i += MAX_LOOKUP_BATCH) void this.lookup(configId, waiting.slice(i, i + MAX_LOOKUP_BATCH));
    }
  }

  private async lookup(configId: string, waiting: Waiting[]): Promise<void> {
    try {
      const sessions = [...new Set(waiting.map((w) => w.sessionId))];
      const bySession = await this.registrations.findLiveTokensForSessions(configId, sessions);
      for (const w of waiting) w.resolve(bySession.get(w.sessionId) ?? []);
    } catch (error) {
      for (const w of waiting) w.reject(error as Error);
    }
  }
}
