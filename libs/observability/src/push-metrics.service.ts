import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { AxpConfigurationRegistry } from '@app/config';
import { ENQUEUE_BUCKETS, FCM_SEND_BUCKETS, JOB_OUTCOMES, type JobOutcome, MetricName } from './metrics.constants';
import { METRICS_REGISTRY } from './metrics.tokens';

const ERROR_CODE = /^[A-Za-z0-9/_.-]{1,64}$/;

export type ReplayChannel = 'api' | 'dashboard';

/**
 * Typed recording methods for the connector's metrics, so call sites cannot misspell a name or a
 * label. Label values that come from callers are bounded: an unknown configId is recorded as
 * `unknown`, so a caller cannot grow the series count with made-up ids.
 */
@Injectable()
export class PushMetrics {
  private readonly callbacks: Counter<'config_id' | 'status'>;
  private readonly enqueueDuration: Histogram;
  private readonly jobs: Counter<'outcome'>;
  private readonly fcmSendDuration: Histogram;
  private readonly fcmErrors: Counter<'code'>;
  private readonly outboxWrites: Counter;
  private readonly outboxRelayedCount: Counter;
  private readonly replays: Counter<'via'>;
  private readonly testPushes: Counter<'config_id'>;
  private readonly refused: Counter<'reason'>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly configurations: AxpConfigurationRegistry,
  ) {
    const registers = [registry];
    this.callbacks = new Counter({
      name: MetricName.CallbacksTotal,
      help: 'AXP callbacks received, by configuration and HTTP status answered',
      labelNames: ['config_id', 'status'],
      registers,
    });
    this.enqueueDuration = new Histogram({
      name: MetricName.EnqueueDurationSeconds,
      help: 'Time to store an accepted callback in the queue',
      buckets: ENQUEUE_BUCKETS,
      registers,
    });
    this.jobs = new Counter({
      name: MetricName.JobsTotal,
      help: 'Notification jobs processed, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of JOB_OUTCOMES) this.jobs.inc({ outcome }, 0);
    this.fcmSendDuration = new Histogram({
      name: MetricName.FcmSendDurationSeconds,
      help: 'Duration of one FCM send request',
      buckets: FCM_SEND_BUCKETS,
      registers,
    });
    this.fcmErrors = new Counter({
      name: MetricName.FcmErrorsTotal,
      help: 'FCM send errors, by firebase-admin error code',
      labelNames: ['code'],
      registers,
    });
    this.outboxWrites = new Counter({
      name: MetricName.OutboxWritesTotal,
      help: 'Callbacks written to the Postgres outbox because Redis could not take them',
      registers,
    });
    this.outboxRelayedCount = new Counter({
      name: MetricName.OutboxRelayedTotal,
      help: 'Outbox entries moved to the queue',
      registers,
    });
    this.replays = new Counter({
      name: MetricName.DeadLetterReplaysTotal,
      help: 'Dead-letter entries put back on the notifications queue, by channel',
      labelNames: ['via'],
      registers,
    });
    this.testPushes = new Counter({
      name: MetricName.TestPushesTotal,
      help: 'Synthetic test events enqueued by operators',
      labelNames: ['config_id'],
      registers,
    });
    this.refused = new Counter({
      name: MetricName.PushRefusedTotal,
      help: 'Pushes not sent to a device on purpose, by reason (customer-mismatch: bound to another customer than the event)',
      labelNames: ['reason'],
      registers,
    });
  }

  callbackReceived(configId: string, status: number): void {
    this.callbacks.inc({ config_id: this.configLabel(configId), status: String(status) });
  }

  enqueueLatency(seconds: number): void {
    this.enqueueDuration.observe(seconds);
  }

  jobOutcome(outcome: JobOutcome, count = 1): void {
    this.jobs.inc({ outcome }, count);
  }

  fcmSend(seconds: number): void {
    this.fcmSendDuration.observe(seconds);
  }

  fcmError(code: string): void {
    this.fcmErrors.inc({ code: ERROR_CODE.test(code) ? code : 'other' });
  }

  outboxWrite(count = 1): void {
    this.outboxWrites.inc(count);
  }

  outboxRelayed(count: number): void {
    if (count > 0) this.outboxRelayedCount.inc(count);
  }

  deadLetterReplayed(via: ReplayChannel, count = 1): void {
    if (count > 0) this.replays.inc({ via }, count);
  }

  testPushEnqueued(configId: string): void {
    this.testPushes.inc({ config_id: this.configLabel(configId) });
  }

  pushRefused(reason: 'customer-mismatch', count = 1): void {
    if (count > 0) this.refused.inc({ reason }, count);
  }

  private configLabel(configId: string): string {
    return this.configurations.find(configId) ? configId : 'unknown';
  }
}
