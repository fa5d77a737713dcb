import { Injectable, Logger } from '@nestjs/common';
import { HistoryRepository, tokenDigest } from '@app/persistence';
import type { DeadLetterJobData } from '@app/queue';

/**
 * What a replay still has to send, by the delivery history: the Redis ledger forgets a delivery
 * after the retry window, the history keeps it for HISTORY_RETENTION_DAYS, so a replay days later
 * still skips the devices that got the event.
 */
@Injectable()
export class ReplayHistoryFilter {
  private readonly logger = new Logger(ReplayHistoryFilter.name);

  constructor(private readonly history: HistoryRepository) {}

  /** The entry without its delivered devices, or undefined when the history shows every listed device delivered. */
  async undelivered(entry: DeadLetterJobData): Promise<DeadLetterJobData | undefined> {
    const tokens = entry.undeliveredTokens;
    if (!tokens?.length) return entry;
    let delivered: Set<string>;
    try {
      delivered = await this.history.deliveredDigests(entry.configId, entry.event.eventId);
    } catch (error) {
      // Without the history the ledger still guards the retry window; the replay is not held up.
      this.logger.warn({ configId: entry.configId, eventId: entry.event.eventId }, `history not consulted: ${(error as Error).message}`);
      return entry;
    }
    const left = tokens.filter((token) => !delivered.has(tokenDigest(token)));
    if (left.length === 0) return undefined;
    return left.length === tokens.length ? entry : { ...entry, undeliveredTokens: left };
  }
}
