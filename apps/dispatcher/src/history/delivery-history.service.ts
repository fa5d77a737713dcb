/**
 * Turns an attempt of a notification job into delivery-history rows for the batched writer.
 * Called on the send path: it only builds rows and buffers them, never waits and never throws.
 */
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { LiveToken } from '@app/persistence';
import { HistoryWriter } from '@app/persistence';
import type { NotificationJobData } from '@app/queue';
import { DeadLetterWriter } from '../delivery/dead-letter.writer';
import type { TokenResult } from '../delivery/delivery-result';

/** How the history names each per-token result of an attempt. */
function deviceOutcome(result: TokenResult, lastAttempt: boolean): string {
  switch (result.outcome) {
    case 'prune':
      return 'pruned';
    case 'reject':
      return 'rejected';
    case 'retry':
      return lastAttempt ? 'dead-lettered' : 'retrying';
    default:
      return result.outcome;
  }
}

/** The event's outcome after the attempt, as DeliveryService.settle decides it. */
function eventOutcome(results: TokenResult[], lastAttempt: boolean): string {
  if (results.length === 0) return 'no-device';
  if (results.some((r) => r.outcome === 'reject')) return 'dead-lettered';
  if (results.some((r) => r.outcome === 'retry')) return lastAttempt ? 'dead-lettered' : 'retrying';
  if (results.some((r) => r.outcome === 'delivered' || r.outcome === 'already-delivered')) return 'delivered';
  // Any other outcome (a later check's refusal) is the event's when every device ended there.
  const outcomes = new Set(results.map((r) => r.outcome));
  return outcomes.size === 1 && !outcomes.has('prune') ? deviceOutcome(results[0], lastAttempt) : 'pruned';
}

@Injectable()
export class DeliveryHistory {
  constructor(private readonly writer: HistoryWriter) {}

  /** An attempt that reached the devices: per-device rows and the event's outcome. */
  attempt(job: Job<NotificationJobData>, live: LiveToken[], results: TokenResult[], lastAttempt: boolean): void {
    const platforms = new Map(live.map((r) => [r.deviceToken, r.platform]));
    this.write(job, eventOutcome(results, lastAttempt), undefined, results.map((result) => ({
      token: result.token,
      platform: platforms.get(result.token),
      outcome: deviceOutcome(result, lastAttempt),
      code: 'code' in result ? result.code : undefined,
      messageName: result.messageName,
      latencyMs: result.latencyMs,
    })));
  }

  /** An attempt that ended before any device: dead-lettered (expired, unknown configuration) or retried. */
  ended(job: Job<NotificationJobData>, outcome: 'dead-lettered' | 'retrying', detail: string): void {
    this.write(job, outcome, detail, []);
  }

  private write(
    job: Job<NotificationJobData>,
    outcome: string,
    detail: string | undefined,
    devices: Parameters<HistoryWriter['record']>[0]['devices'],
  ): void {
    const { configId, event, receivedAt, storedIn } = job.data;
    // A job queued by hand may lack the ids: there is nothing to file it under.
    if (typeof configId !== 'string' || !configId || typeof event?.eventId !== 'string' || !event.eventId) return;
    this.writer.record({
      configId,
      eventId: event.eventId,
      sessionId: typeof event.sessionId === 'string' ? event.sessionId : '',
      customerId: event.customerId,
      conversationId: event.conversationId,
      receivedAt: typeof receivedAt === 'string' ? receivedAt : '',
      storedIn,
      attempt: job.attemptsMade + 1,
      outcome,
      detail: detail?.slice(0, 1_000),
      // For the history page's link to the entry.
      deadLetterId: outcome === 'dead-lettered' ? DeadLetterWriter.entryId(job) : undefined,
      devices,
    });
  }
}
