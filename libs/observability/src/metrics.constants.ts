/** Names, labels and buckets of the connector's Prometheus metrics; dashboards and alerts depend on them. */

export const METRIC_PREFIX = 'axp_push_';

export const MetricName = {
  CallbacksTotal: 'axp_push_callbacks_total',
  EnqueueDurationSeconds: 'axp_push_enqueue_duration_seconds',
  JobsTotal: 'axp_push_jobs_total',
  FcmSendDurationSeconds: 'axp_push_fcm_send_duration_seconds',
  FcmErrorsTotal: 'axp_push_fcm_errors_total',
  QueueJobs: 'axp_push_queue_jobs',
  QueueScrapeErrorsTotal: 'axp_push_queue_scrape_errors_total',
  OutboxWritesTotal: 'axp_push_outbox_writes_total',
  OutboxRelayedTotal: 'axp_push_outbox_relayed_total',
  DeadLetterReplaysTotal: 'axp_push_dead_letter_replays_total',
  TestPushesTotal: 'axp_push_test_pushes_total',
  PushRefusedTotal: 'axp_push_refused_total',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export const JOB_OUTCOMES = ['delivered', 'retried', 'pruned', 'no-device', 'dead-lettered', 'expired', 'refused'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'dead-letter'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Enqueueing is a Redis round trip: sub-millisecond to the 500 ms deadline. */
export const ENQUEUE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** One FCM send: tens of milliseconds, up to the SDK's 15 s timeout with its own retries. */
export const FCM_SEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

/** Longest a scrape waits for the queue counts before it leaves them out. */
export const QUEUE_SCRAPE_TIMEOUT_MS = 1_000;
