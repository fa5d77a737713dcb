import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { PushMetrics } from '@app/observability';
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterSummary,
  isDeadLetterJobData,
  replayJob,
} from '@app/queue';
import { NotificationWriter, type RequeueOutcome } from '../notifications/notification-writer.service';
import { ReplayHistoryFilter } from './replay-history.filter';

export interface ReplayReport {
  /** Entries whose event is back on the notifications queue (removed from the dead-letter queue). */
  replayed: number;
  /** Requested ids that are not in the dead-letter queue. */
  unknown: string[];
  /** Entries left where they are, with the reason. */
  skipped: Array<{ id: string; reason: string }>;
}

export interface DashboardReplayResult {
  replayedAs: string;
  outcome: Exclude<RequeueOutcome, 'busy'>;
}

/** States of an entry that still waits for an operator. */
const PENDING_STATES = ['failed', 'wait', 'prioritized', 'delayed'] as const;
const ACTIVE_WAIT_MS = 2_000;
const ALL_DELIVERED = 'the delivery history shows every undelivered device of this entry delivered since';
/** Entries replayed concurrently by one API call. */
const REPLAY_BATCH = 20;

/**
 * Dead-letter entries: parking new ones for an operator and replaying them, from the dashboard
 * (its Retry sends a parked entry through `handle` again) or from the admin API (`replay`).
 */
@Injectable()
export class DeadLetterReplayService {
  private readonly logger = new Logger(DeadLetterReplayService.name);

  constructor(
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly queue: Queue<DeadLetterJobData>,
    private readonly writer: NotificationWriter,
    private readonly metrics: PushMetrics,
    private readonly history: ReplayHistoryFilter,
  ) {}

  /**
   * Runs for every DLQ job that becomes waiting. A fresh entry (never run) is failed on purpose,
   * with its reason as the failure, so the dashboard lists it under Failed with data, error and
   * attempts and offers Retry. A retried one (it has run before) is an operator's replay request.
   */
  async handle(job: Job<DeadLetterJobData>): Promise<DashboardReplayResult> {
    if (!isDeadLetterJobData(job.data)) {
      throw new UnrecoverableError('not a dead-letter entry (no configId or event): nothing to replay');
    }
    if (job.attemptsMade === 0) {
      this.logger.warn({ ...context(job), reason: job.data.reason }, `dead-letter entry ${job.id} parked for an operator`);
      throw parked(job);
    }
    const entry = await this.history.undelivered(job.data);
    if (!entry) throw new UnrecoverableError(ALL_DELIVERED);
    const spec = replayJob(entry, this.writer.policy);
    const outcome = await this.writer.requeue(spec);
    if (outcome === 'busy') {
      throw new UnrecoverableError(`the event's job ${spec.jobId} is running now; retry this entry once it has finished`);
    }
    this.replayed(job, outcome, 'dashboard');
    return { replayedAs: spec.jobId, outcome };
  }

  /**
   * Replays the given entries, or every pending one; replayed entries leave the dead-letter queue.
   * Entries go a batch at a time; one that fails is reported and the others still go.
   */
  async replay(ids?: string[]): Promise<ReplayReport> {
    const report: ReplayReport = { replayed: 0, unknown: [], skipped: [] };
    const wanted = ids ? [...new Set(ids)] : await this.queue.getRanges([...PENDING_STATES], 0, -1, true);
    for (let start = 0; start < wanted.length; start += REPLAY_BATCH) {
      const batch = wanted.slice(start, start + REPLAY_BATCH);
      const results = await Promise.all(batch.map((id) => this.replayId(id)));
      batch.forEach((id, i) => {
        const result = results[i];
        if (result === 'replayed') report.replayed += 1;
        else if (result === 'unknown') report.unknown.push(id);
        else report.skipped.push({ id, reason: result.skipped });
      });
    }
    return report;
  }

  private async replayId(id: string): Promise<'replayed' | 'unknown' | { skipped: string }> {
    try {
      const job = await this.queue.getJob(id);
      if (!job) return 'unknown';
      const skipped = await this.replayOne(job);
      return skipped ? { skipped } : 'replayed';
    } catch (error) {
      this.logger.error({ deadLetterJobId: id }, `replay of ${id} failed: ${(error as Error).message}`);
      return { skipped: `failed: ${(error as Error).message}` };
    }
  }

  /** Returns why the entry was skipped, or undefined once it is replayed. */
  private async replayOne(job: Job<DeadLetterJobData>): Promise<string | undefined> {
    const state = await this.settledState(job);
    if (state === 'completed') return 'already replayed';
    if (!(PENDING_STATES as readonly string[]).includes(state)) return `entry is ${state}`;
    if (!isDeadLetterJobData(job.data)) return 'not a dead-letter entry (no configId or event)';
    const entry = await this.history.undelivered(job.data);
    if (!entry) return ALL_DELIVERED;
    const spec = replayJob(entry, this.writer.policy);
    const outcome = await this.writer.requeue(spec);
    if (outcome === 'busy') return `the event's job ${spec.jobId} is running now`;
    try {
      await job.remove();
    } catch (error) {
      // Taken by the parking worker at this very moment: it stays as a parked entry, and a later
      // replay of it finds the event already queued.
      this.logger.warn({ ...context(job) }, `replayed entry ${job.id} not removed: ${(error as Error).message}`);
    }
    this.replayed(job, outcome, 'api');
    return undefined;
  }

  /** A new entry is active only while the worker parks it, a matter of milliseconds: wait for that. */
  private async settledState(job: Job<DeadLetterJobData>): Promise<string> {
    const deadline = Date.now() + ACTIVE_WAIT_MS;
    let state = await job.getState();
    while (state === 'active' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      state = await job.getState();
    }
    return state;
  }

  private replayed(job: Job<DeadLetterJobData>, outcome: RequeueOutcome, via: 'api' | 'dashboard'): void {
    this.metrics.deadLetterReplayed(via);
    this.logger.log({ ...context(job), outcome, via }, `dead-letter entry ${job.id} replayed`);
  }
}

function context(job: Job<DeadLetterJobData>) {
  return {
    deadLetterJobId: job.id,
    configId: job.data.configId,
    eventId: job.data.event.eventId,
    sessionId: job.data.event.sessionId,
  };
}

/** The failure that parks an entry: its reason as the message, its history where the stack would be. */
function parked(job: Job<DeadLetterJobData>): UnrecoverableError {
  const data = job.data;
  const error = new UnrecoverableError(deadLetterSummary(data));
  error.stack = [
    deadLetterSummary(data),
    `    dead-lettered at ${data.deadLetteredAt} from job ${data.sourceJobId} after ${data.attempts} attempt(s)`,
    `    event ${data.event.eventId} of session ${data.event.sessionId} (configuration ${data.configId})`,
    `    undelivered tokens: ${data.undeliveredTokens?.length ?? 'unknown'}`,
    `    to replay: Retry this job, or POST /admin/api/dead-letter/replay {"ids":["${job.id}"]}`,
  ].join('\n');
  return error;
}
