/**
 * Delivers one notification job: expiry, token lookup, one FCM send per token (claimed in the ledger),
 * then prune dead tokens, retry only the transient failures, or dead-letter what cannot be delivered.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig, type AxpConfiguration, AxpConfigurationRegistry } from '@app/config';
import { buildFcmMessage, checkFcmMessage, FcmSender } from '@app/fcm';
import { maskToken, PushMetrics } from '@app/observability';
import { ConfigurationSync, type LiveToken, RegistrationRepository } from '@app/persistence';
import { type NotificationJobData, notificationDataProblem, salvageNotificationData } from '@app/queue';
import { type DeadLetterInput, DeadLetterWriter } from './dead-letter.writer';
import { type DeliveryResult, type TokenResult, TransientDeliveryError } from './delivery-result';
import { DeliveryLedger, type LedgerSession } from './delivery-ledger.service';
import { eventAge } from './event-expiry';
import { TokenLookup } from './token-lookup.service';
import { DeliveryHistory } from '../history/delivery-history.service';

type Target = LiveToken & { message: ReturnType<typeof buildFcmMessage> };

const count = (results: TokenResult[], outcome: TokenResult['outcome']) => results.filter((r) => r.outcome === outcome);

/**
 * A registration bound to a customer (through a verified customer JWT) receives only that
 * customer's events: a device moved into someone else's session hears nothing of it.
 */
function customerRefusal(registration: LiveToken, customerId: unknown): TokenResult | undefined {
  if (registration.boundCustomerId === undefined || registration.boundCustomerId === customerId) return undefined;
  return { token: registration.deviceToken, outcome: 'refused', code: 'customer-mismatch', message: "the registration is bound to another customer than the event's" };
}

@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly maxAgeSeconds: number;
  private readonly maxAttempts: number;
  private readonly ttlSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly configurations: AxpConfigurationRegistry,
    private readonly registrations: RegistrationRepository,
    private readonly tokens: TokenLookup,
    private readonly fcm: FcmSender,
    private readonly ledger: DeliveryLedger,
    private readonly deadLetters: DeadLetterWriter,
    private readonly metrics: PushMetrics,
    private readonly history: DeliveryHistory,
    @Optional() private readonly configurationSync?: ConfigurationSync,
  ) {
    this.maxAgeSeconds = config.dispatch.maxAgeSeconds;
    this.maxAttempts = config.dispatch.maxAttempts;
    this.ttlSeconds = config.fcm.ttlSeconds;
  }

  /** `lockToken` is the worker's lock on the job, needed to move it to delayed. */
  async deliver(job: Job<NotificationJobData>, lockToken?: string): Promise<DeliveryResult> {
    // A job may hold anything someone queued by hand: dead-letter it with the reason, never throw on it.
    const problem = notificationDataProblem(job.data);
    if (problem !== undefined) {
      return this.fail(job, { reason: 'rejected', lastError: `the job is not a notification: ${problem}`, data: salvageNotificationData(job.data) });
    }
    const { configId, event } = job.data;
    let configuration = this.configurations.find(configId);
    if ((!configuration || !this.fcm.knows(configId)) && this.configurationSync) {
      // A configuration created a moment ago may not have reached this replica yet: re-read the store once.
      await this.configurationSync.refresh();
      configuration = this.configurations.find(configId);
    }
    if (!configuration || !this.fcm.knows(configId)) {
      this.history.ended(job, 'dead-lettered', `configuration '${configId}' is not known to this dispatcher`);
      return this.fail(job, { reason: 'configuration', lastError: `configuration '${configId}' is not known to this dispatcher` });
    }
    const age = eventAge(job.data);
    if (age.ageMs > this.maxAgeSeconds * 1000) {
      this.history.ended(job, 'dead-lettered', `expired: ${Math.round(age.ageMs / 1000)} s old`);
      await this.deadLetters.write(job, {
        reason: 'expired',
        lastError: `the event is ${Math.round(age.ageMs / 1000)} s old (counted from ${age.countedFrom}), over the ${this.maxAgeSeconds} s limit`,
        undeliveredTokens: job.data.pendingTokens,
      });
      return { outcome: 'expired', devices: 0, delivered: 0, alreadyDelivered: 0, pruned: 0 };
    }
    const live = await this.transient(job, 'token lookup', () => this.liveTokens(job.data));
    if (live.length === 0) {
      this.history.attempt(job, live, [], false);
      return { outcome: 'no-device', devices: 0, delivered: 0, alreadyDelivered: 0, pruned: 0 };
    }

    const results: TokenResult[] = [];
    const targets: Target[] = [];
    for (const registration of live) {
      const refusal = customerRefusal(registration, event.customerId);
      if (refusal) {
        results.push(refusal);
        continue;
      }
      const { message, problem } = this.checkedMessage(job.data, configuration, registration);
      if (problem) {
        results.push({ token: registration.deviceToken, outcome: 'reject', reason: problem.reason, code: problem.reason, message: problem.message });
      } else {
        targets.push({ ...registration, message });
      }
    }
    if (targets.length > 0) {
      const tokens = targets.map((t) => t.deviceToken);
      const session = await this.transient(job, 'delivery ledger', () => this.ledger.claim(configId, event.eventId, tokens));
      results.push(...(await Promise.all(targets.map((target) => this.sendOne(configId, target, session)))));
    }
    const refused = count(results, 'refused').length;
    if (refused > 0) this.metrics.pushRefused('customer-mismatch', refused);
    this.history.attempt(job, live, results, this.isLastAttempt(job));
    return this.settle(job, lockToken, live.length, results);
  }

  private async settle(
    job: Job<NotificationJobData>,
    lockToken: string | undefined,
    devices: number,
    results: TokenResult[],
  ): Promise<DeliveryResult> {
    const { configId, event } = job.data;
    const pruned = count(results, 'prune').map((r) => r.token);
    if (pruned.length > 0) {
      // A failed delete only means FCM is asked once more next time; the push itself is settled.
      await this.registrations.deleteTokens(configId, pruned).catch((error: Error) =>
        this.logger.warn({ configId, eventId: event.eventId }, `dead tokens not deleted: ${error.message}`),
      );
    }
    const rejected = results.filter((r): r is Extract<TokenResult, { outcome: 'reject' }> => r.outcome === 'reject');
    const retried = results.filter((r): r is Extract<TokenResult, { outcome: 'retry' }> => r.outcome === 'retry');
    const undelivered = [...rejected, ...retried].map((r) => r.token);
    if (rejected.length > 0) {
      const reason = rejected.some((r) => r.reason === 'payload-too-large') ? 'payload-too-large' : 'rejected';
      return this.fail(job, { reason, lastError: `${rejected[0].code}: ${rejected[0].message}`, undeliveredTokens: undelivered });
    }
    if (retried.length > 0) {
      const lastError = `${retried.length} of ${devices} token(s) failed transiently; last: ${retried[0].code}: ${retried[0].message}`;
      if (this.isLastAttempt(job)) return this.fail(job, { reason: 'exhausted', lastError, undeliveredTokens: undelivered });
      await job.updateData({ ...job.data, pendingTokens: undelivered });
      const waits = retried.map((r) => r.retryInMs);
      if (lockToken && waits.every((w) => w !== undefined)) {
        // Only claims held by an interrupted send: wait for them to lapse without spending an attempt.
        await job.moveToDelayed(Date.now() + Math.max(...(waits as number[])) + 50, lockToken);
        throw new DelayedError();
      }
      throw new TransientDeliveryError(lastError);
    }
    const delivered = count(results, 'delivered').length;
    const alreadyDelivered = count(results, 'already-delivered').length;
    const result: DeliveryResult = {
      outcome: delivered + alreadyDelivered > 0 ? 'delivered' : results.every((r) => r.outcome === 'refused') ? 'refused' : 'pruned',
      devices,
      delivered,
      alreadyDelivered,
      pruned: pruned.length,
    };
    return result;
  }

  private async sendOne(configId: string, target: Target, session: LedgerSession): Promise<TokenResult> {
    const token = target.deviceToken;
    const claim = session.claims.get(token);
    if (claim?.state === 'delivered') return { token, outcome: 'already-delivered' };
    if (claim?.state === 'busy') {
      return { token, outcome: 'retry', code: 'ledger/claimed', message: 'another send of this token is in flight', retryInMs: claim.retryInMs };
    }
    const started = performance.now();
    const result = await this.fcm.send(configId, target.message);
    const latencyMs = performance.now() - started;
    this.metrics.fcmSend(latencyMs / 1000);
    if (result.outcome !== 'delivered') this.metrics.fcmError(result.code);
    if (result.outcome === 'delivered') {
      // FCM accepted it: if the mark is lost, only a crash-and-retry within the claim TTL could re-send.
      await session.delivered(token).catch((error: Error) => this.ledgerWarning(token, error));
      return { token, outcome: 'delivered', messageName: result.messageId, latencyMs };
    }
    await session.release(token).catch((error: Error) => this.ledgerWarning(token, error));
    if (result.outcome === 'reject') return { token, outcome: 'reject', reason: 'rejected', code: result.code, message: result.message, latencyMs };
    return { token, outcome: result.outcome, code: result.code, message: result.message, latencyMs };
  }

  /** Live registrations of the session; on a retry only those still pending (their platform is needed again). */
  private async liveTokens(data: NotificationJobData): Promise<LiveToken[]> {
    const live = await this.tokens.find(data.configId, data.event.sessionId);
    if (data.pendingTokens === undefined) return live;
    const pending = new Set(data.pendingTokens);
    return live.filter((registration) => pending.has(registration.deviceToken));
  }

  /** The message and why FCM would refuse it; whatever the event holds, a problem rather than a throw. */
  private checkedMessage(data: NotificationJobData, configuration: AxpConfiguration, registration: LiveToken) {
    try {
      const message = this.message(data, configuration, registration);
      return { message, problem: checkFcmMessage(message) };
    } catch (error) {
      const problem = { reason: 'rejected' as const, message: `the FCM message could not be built: ${(error as Error).message}` };
      return { message: { token: registration.deviceToken }, problem };
    }
  }

  private message(data: NotificationJobData, configuration: AxpConfiguration, registration: LiveToken) {
    return buildFcmMessage({
      token: registration.deviceToken,
      platform: registration.platform,
      event: data.event,
      test: data.test,
      ttlSeconds: this.ttlSeconds,
      ios: configuration.ios,
    });
  }

  /** Runs a step whose failure is transient: retried by BullMQ, dead-lettered on the last attempt. */
  private async transient<T>(job: Job<NotificationJobData>, step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const lastError = `${step} failed: ${(error as Error).message}`;
      this.history.ended(job, this.isLastAttempt(job) ? 'dead-lettered' : 'retrying', lastError);
      if (this.isLastAttempt(job)) return this.fail(job, { reason: 'exhausted', lastError, undeliveredTokens: job.data.pendingTokens });
      throw new TransientDeliveryError(lastError);
    }
  }

  /**
   * The job's budget is written by whoever queued it; this dispatcher's DISPATCH_MAX_ATTEMPTS caps it,
   * so lowering it here takes effect at once (raising it needs the producers' setting too).
   */
  private isLastAttempt(job: Job): boolean {
    return job.attemptsMade + 1 >= Math.min(job.opts.attempts ?? 1, this.maxAttempts);
  }

  /** Dead-letters the job and fails it for good. */
  private async fail(job: Job<NotificationJobData>, input: DeadLetterInput): Promise<never> {
    await this.deadLetters.write(job, input);
    throw new UnrecoverableError(`${input.reason}: ${input.lastError}`);
  }

  private ledgerWarning(token: string, error: Error): void {
    this.logger.warn({ device: maskToken(token) }, `delivery ledger not updated: ${error.message}`);
  }
}
